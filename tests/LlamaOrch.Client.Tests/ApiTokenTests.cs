namespace LlamaOrch.Client.Tests;

public sealed class ApiTokenTests
{
    [Fact]
    public void The_environment_wins_then_the_token_file_then_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("llorch-token-");
        try
        {
            var file = Path.Combine(dir.FullName, "api-token");
            Assert.Null(ApiToken.Resolve(null, file));

            File.WriteAllText(file, "from-file\n");
            Assert.Equal("from-file", ApiToken.Resolve(null, file));
            Assert.Equal("from-file", ApiToken.Resolve("   ", file));
            Assert.Equal("from-env", ApiToken.Resolve(" from-env ", file));

            File.WriteAllText(file, "  \n");
            Assert.Null(ApiToken.Resolve(null, file));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_default_file_is_where_orchestratord_generates_it()
    {
        Assert.EndsWith(Path.Combine("llama-orch", "api-token"), ApiToken.DefaultTokenFile);
    }
}
