using System.Text.Json;

namespace SocialMcp.EndToEnd.Tests.Fuzz;

/// <summary>What every reply to bad input must be, on either transport; failures are collected, not thrown, so one run reports them all.</summary>
public sealed class FuzzReplies
{
    /// <summary>An error reply (JSON-RPC error or tool result with isError) may be at most this large.</summary>
    public const int MaxErrorReplyBytes = 16 * 1024;

    private readonly List<string> _failures = [];

    public int Replies { get; private set; }
    public int JsonRpcErrors { get; private set; }
    public int ToolErrors { get; private set; }
    public int InternalErrors { get; private set; }
    public int LargestErrorReplyBytes { get; private set; }

    public IReadOnlyList<string> Failures { get { lock (_failures) return [.. _failures]; } }

    public void Fail(string failure)
    {
        lock (_failures)
        {
            if (_failures.Count < 200)
                _failures.Add(failure.Length > 600 ? failure[..600] + "…" : failure);
        }
    }

    /// <summary>Checks one JSON-RPC response of <paramref name="bytes"/> bytes sent for <paramref name="call"/>.</summary>
    public void Check(JsonElement reply, int bytes, FuzzCall call)
    {
        lock (_failures)
        {
            Replies++;
            if (reply.TryGetProperty("error", out var error))
            {
                JsonRpcErrors++;
                LargestErrorReplyBytes = Math.Max(LargestErrorReplyBytes, bytes);
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
                if (code == -32603)
                {
                    InternalErrors++;
                    Fail($"internal error -32603 '{error}' for {call}");
                }
                if (code == 0)
                    Fail($"JSON-RPC error without a code: {error} for {call}");
                if (!error.TryGetProperty("message", out var message) || string.IsNullOrWhiteSpace(message.GetString()))
                    Fail($"JSON-RPC error without a message for {call}");
                if (bytes > MaxErrorReplyBytes)
                    Fail($"error reply of {bytes} bytes for {call}");
                return;
            }

            if (reply.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                && result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True)
            {
                ToolErrors++;
                LargestErrorReplyBytes = Math.Max(LargestErrorReplyBytes, bytes);
                if (bytes > MaxErrorReplyBytes)
                    Fail($"tool error reply of {bytes} bytes for {call}");
                if (!result.TryGetProperty("structuredContent", out var structured) || !structured.TryGetProperty("error", out var toolError))
                {
                    Fail($"tool error without structuredContent.error for {call}");
                    return;
                }
                if (!toolError.TryGetProperty("code", out var code) || string.IsNullOrEmpty(code.GetString()))
                    Fail($"tool error without a code: {toolError} for {call}");
                if (code.ValueKind == JsonValueKind.String && code.GetString() == "INTERNAL_ERROR")
                {
                    InternalErrors++;
                    Fail($"tool INTERNAL_ERROR {toolError} for {call}");
                }
                if (!toolError.TryGetProperty("path", out var path) || string.IsNullOrEmpty(path.GetString()))
                    Fail($"tool error without a path: {toolError} for {call}");
            }
        }
    }
}
