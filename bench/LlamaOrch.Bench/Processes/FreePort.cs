using System.Net;
using System.Net.Sockets;

namespace LlamaOrch.Bench.Processes;

internal static class FreePort
{
    /// <summary>
    /// A loopback port that was free a moment ago. orchestratord takes its port from --urls, so the bench
    /// has to choose one; the gap between releasing it and the child binding it is a race we accept.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
