using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Kernelwise.Tests.Data.Datasets;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and a free port: answers GET requests for the files it was given with
/// 200 and their bytes, anything else with 404. With <see cref="Stall"/> it accepts connections but never answers;
/// <see cref="Fail"/> answers a file with an error status, <see cref="Truncate"/> announces a file's full length but closes
/// the connection after its first bytes.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentDictionary<string, int> _truncations = new();

    public LoopbackHttpServer()
    {
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/data/");
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>The folder URL that serves the files (ends with a slash).</summary>
    public Uri BaseUrl { get; }

    /// <summary>When true, connections are accepted and then left without an answer.</summary>
    public bool Stall { get; set; }

    /// <summary>The paths requested so far, e.g. <c>/data/train-images-idx3-ubyte.gz</c>.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public void Serve(string fileName, byte[] content) => _files["/data/" + fileName] = content;

    /// <summary>Answers requests for <paramref name="fileName"/> with <paramref name="status"/> (e.g. 500) and a short body.</summary>
    public void Fail(string fileName, int status) => _failures["/data/" + fileName] = status;

    /// <summary>Sends the full Content-Length of <paramref name="fileName"/> but only its first <paramref name="bytes"/> bytes, then closes.</summary>
    public void Truncate(string fileName, int bytes) => _truncations["/data/" + fileName] = bytes;

    /// <summary>A loopback URL on which nothing listens: connecting to it is refused.</summary>
    public static Uri RefusingUrl()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/data/");
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    int n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0) return;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                string path = request.ToString().Split(' ')[1];
                Requests.Enqueue(path);
                if (Stall)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                }
                if (_failures.TryGetValue(path, out int status))
                {
                    byte[] error = Encoding.ASCII.GetBytes("server error");
                    string reason = status == 500 ? "Internal Server Error" : status == 503 ? "Service Unavailable" : "Error";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Length: {error.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
                    await stream.WriteAsync(error, _stop.Token);
                    return;
                }
                bool found = _files.TryGetValue(path, out var body);
                body ??= Encoding.ASCII.GetBytes("not found");
                string head = $"HTTP/1.1 {(found ? "200 OK" : "404 Not Found")}\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                if (found && _truncations.TryGetValue(path, out int sent))
                {
                    await stream.WriteAsync(body.AsMemory(0, Math.Min(sent, body.Length)), _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    client.Client.Shutdown(SocketShutdown.Both);
                    return;
                }
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception)
            {
                // The client went away or the server is stopping.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
