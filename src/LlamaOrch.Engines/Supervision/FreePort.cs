using System.Net;
using System.Net.Sockets;

namespace LlamaOrch.Engines.Supervision;

internal static class FreePort
{
    /// <summary>
    /// A loopback port that was free a moment ago. Another process may take it before the engine binds;
    /// the engine then exits and the supervisor restarts it on a new port.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
