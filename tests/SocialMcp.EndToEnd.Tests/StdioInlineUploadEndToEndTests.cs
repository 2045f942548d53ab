using System.Text;
using System.Text.Json;
using SocialMcp.EndToEnd.Tests.Fuzz;
using SocialMcp.Testing;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// Over stdio, upload_media takes files inline up to Media:MaxInlineBytes although a line of any other message stays capped
/// at 4 MiB (issue 13). Media:MaxInlineBytes is 6 MiB here so the files stay small enough for a quick test.
/// </summary>
public sealed class StdioInlineUploadEndToEndTests
{
    private const long MiB = 1024 * 1024;
    private const long MaxInlineBytes = 6 * MiB;
    private const int GeneralLineCap = 4 * 1024 * 1024;

    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["SOCIALMCP_Media__MaxInlineBytes"] = MaxInlineBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string UploadArguments(byte[] file) => JsonSerializer.Serialize(new { data = Convert.ToBase64String(file) });

    [Fact]
    public async Task FiveMebibytePng_OverTheGeneralLineCap_IsStoredWithItsProbedFacts()
    {
        var png = NoisePng.Make(5 * MiB);
        await using var server = await ServerProcess.StartAsync(Environment);

        var stored = await server.CallOkAsync("upload_media", UploadArguments(png));

        Assert.Equal(("image/png", png.Length, NoisePng.Width, NoisePng.HeightFor(5 * MiB)), (stored.GetProperty("mimeType").GetString(),
            stored.GetProperty("sizeBytes").GetInt32(), stored.GetProperty("width").GetInt32(), stored.GetProperty("height").GetInt32()));
        var listed = await server.CallOkAsync("list_media");
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task SevenMebibytes_AreMediaTooLargeAtData_WithTheCallsId_AndTheSessionGoesOn()
    {
        await using var server = await ServerProcess.StartAsync(Environment);

        // Past what the transport reads for upload_media: answered unread, as the tool would answer.
        var error = await server.CallFailingAsync("upload_media", UploadArguments(NoisePng.Make(7 * MiB)), "MEDIA_TOO_LARGE", "$.data");
        Assert.Contains("6,291,456", error.GetProperty("message").GetString());

        var listed = await server.CallOkAsync("list_media");
        Assert.Equal(0, listed.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task JustOverMaxInlineBytes_ReachesTheTool_AndIsMediaTooLargeAtData()
    {
        await using var server = await ServerProcess.StartAsync(Environment);

        // Base64 of 6 MiB + 3 bytes fits the transport's bound for upload_media; the tool refuses it.
        await server.CallFailingAsync("upload_media", UploadArguments(new byte[MaxInlineBytes + 3]), "MEDIA_TOO_LARGE", "$.data");
        // A file just under the cap, as the SDK client writes it, still reaches the tool (this one is not an image).
        await server.CallFailingAsync("upload_media", UploadArguments(new byte[MaxInlineBytes]), "UNSUPPORTED_MEDIA_TYPE", "$.data");
    }

    [Fact]
    public async Task FiveMebibyteLine_OfAnotherMethodOrTool_IsRefusedAsBefore_WithIdNull()
    {
        await using var server = await FuzzServer.StartStdioAsync(Environment);
        await InitializeAsync(server);
        var pad = new string('a', (int)(5 * MiB));

        await WriteLineAsync(server, $$$"""{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"pad":"{{{pad}}}"}}""");
        await WriteLineAsync(server, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"create_post\",\"arguments\":{\"content\":{\"text\":\"" + pad + "\"}}}}");
        // upload_media named only after its data: not recognised in the line's first 4 MiB, so held to the general cap.
        await WriteLineAsync(server, $$$"""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"arguments":{"data":"{{{pad}}}"},"name":"upload_media"}}""");
        await WriteLineAsync(server, """{"jsonrpc":"2.0","id":5,"method":"ping"}""");

        for (var i = 0; i < 3; i++)
        {
            var refusal = await ReadMessageAsync(server);
            Assert.Equal(JsonValueKind.Null, refusal.GetProperty("id").ValueKind);
            Assert.Equal(-32600, refusal.GetProperty("error").GetProperty("code").GetInt32());
            Assert.Contains($"at most {GeneralLineCap} bytes", refusal.GetProperty("error").GetProperty("message").GetString());
        }
        var pong = await ReadMessageAsync(server);
        Assert.Equal(5, pong.GetProperty("id").GetInt32());
        Assert.True(pong.TryGetProperty("result", out _));
    }

    // The server spawned directly (the fuzz tests' FuzzServer), to write lines no SDK client would and read every reply,
    // including those with id null.
    private static async Task InitializeAsync(FuzzServer server)
    {
        await WriteLineAsync(server, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}""");
        var reply = await ReadMessageAsync(server);
        Assert.Equal(1, reply.GetProperty("id").GetInt32());
        await WriteLineAsync(server, """{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    }

    private static async Task WriteLineAsync(FuzzServer server, string line)
    {
        await server.Input.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        await server.Input.FlushAsync();
    }

    private static async Task<JsonElement> ReadMessageAsync(FuzzServer server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await server.Output.ReadLineAsync(timeout.Token) ?? throw new Xunit.Sdk.XunitException("The server closed stdout.");
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
