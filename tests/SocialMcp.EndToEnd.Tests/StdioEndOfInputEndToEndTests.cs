using System.Diagnostics;
using System.Text.Json;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// A client that writes its requests and closes stdin at once (<c>printf … | socialmcp serve</c>) still gets every
/// answer: the server reaches the end of its input long before it has answered, and must not end the session there.
/// </summary>
public sealed class StdioEndOfInputEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("socialmcp-eof-").FullName;

    [Fact]
    public async Task Serve_RequestsThenEndOfInput_AnswersEveryRequestThenExits()
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--db", Path.Combine(_directory, "eof.db")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(
            """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"eof","version":"1"}}}
            {"jsonrpc":"2.0","method":"notifications/initialized"}
            {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_platform_sets","arguments":{}}}
            {"jsonrpc":"2.0","id":"three","method":"ping"}

            """);
        process.StandardInput.Close();

        var stdout = await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        var ids = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(reply => reply.TryGetProperty("result", out _))
            .Select(reply => reply.GetProperty("id").GetRawText())
            .ToList();
        Assert.True(ids.Order(StringComparer.Ordinal).SequenceEqual(["\"three\"", "1", "2"]), $"answered: [{string.Join(", ", ids)}]; stderr: {await stderr}");
        Assert.Equal(0, process.ExitCode);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
