using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SocialMcp.EndToEnd.Tests.Fuzz;

/// <summary>
/// Sends fuzz bodies as plain HTTP POSTs to /mcp with the API key, as any client would, so it holds whichever HTTP
/// transport serves them. Every POST must be answered (no timeout, no 5xx); every JSON-RPC message in the answer is
/// checked like a stdio reply; refusals (4xx) must be small.
/// </summary>
public sealed class HttpFuzzer(FuzzServer server, FuzzReplies replies) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    private int _sent;
    private int _unanswered;

    public int Sent => _sent;
    public int Unanswered => _unanswered;

    public async Task RunAsync(FuzzCall call)
    {
        Interlocked.Increment(ref _sent);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(call.Json)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.ApiKey);
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _unanswered);
            replies.Fail($"unanswered over HTTP ({ex.GetType().Name}): {call}; stderr: {server.StandardErrorTail}");
            return;
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            var bytes = Encoding.UTF8.GetByteCount(body);
            if ((int)response.StatusCode >= 500)
                replies.Fail($"HTTP {(int)response.StatusCode} for {call}");
            if (!response.IsSuccessStatusCode && bytes > FuzzReplies.MaxErrorReplyBytes)
                replies.Fail($"HTTP {(int)response.StatusCode} refusal of {bytes} bytes for {call}");
            if (response.StatusCode == HttpStatusCode.Accepted || body.Length == 0)
                return;

            var messages = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                ? body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..])
                : [body];
            foreach (var text in messages)
            {
                JsonElement message;
                try
                {
                    message = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException)
                {
                    replies.Fail($"HTTP {(int)response.StatusCode} body is not JSON for {call}");
                    continue;
                }
                if (message.ValueKind == JsonValueKind.Object && !message.TryGetProperty("method", out _))
                    replies.Check(message, Encoding.UTF8.GetByteCount(text), call);
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
