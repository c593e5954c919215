using LlamaOrch.Server;
using LlamaOrch.Server.Configuration;

WebApplication app;
try
{
    app = await OrchestratorApp.BuildAsync(args);
}
catch (ConfigurationException error)
{
    Console.Error.WriteLine($"orchestratord: {error.Message}");
    return 2;
}

await app.RunAsync();
return 0;
