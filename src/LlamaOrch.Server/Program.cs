using LlamaOrch.Server;
using LlamaOrch.Server.Configuration;

WebApplication app;
try
{
    app = OrchestratorApp.Build(args);
}
catch (ConfigurationException error)
{
    Console.Error.WriteLine($"orchestratord: {error.Message}");
    return 2;
}

await app.RunAsync();
return 0;
