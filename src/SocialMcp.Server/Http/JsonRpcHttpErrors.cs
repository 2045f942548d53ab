using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace SocialMcp.Server.Http;

/// <summary>
/// HTTP refusals of the MCP endpoint, written as a JSON-RPC error object so an MCP client can read them: the HTTP
/// status says what kind of refusal, the code and message say why.
/// </summary>
internal static class JsonRpcHttpErrors
{
    public const int ParseError = (int)McpErrorCode.ParseError;
    public const int InvalidRequest = (int)McpErrorCode.InvalidRequest;

    /// <summary>Not in the JSON-RPC or MCP standard; what the MCP SDKs answer for an unknown session.</summary>
    public const int SessionNotFound = -32001;

    /// <summary>Generic server-side refusal (JSON-RPC's implementation-defined range).</summary>
    public const int Refused = -32000;

    public static Task WriteAsync(HttpContext context, int statusCode, int code, string message, RequestId id = default, JsonElement? data = null)
    {
        var error = new JsonRpcError
        {
            Id = id,
            Error = new JsonRpcErrorDetail { Code = code, Message = message, Data = data },
        };
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync<JsonRpcMessage>(error, McpJsonUtilities.DefaultOptions, "application/json", context.RequestAborted);
    }

    public static Task WriteUnsupportedProtocolVersionAsync(HttpContext context, string requested, IReadOnlyList<string> supported) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, (int)McpErrorCode.UnsupportedProtocolVersion,
            $"Bad Request: MCP-Protocol-Version '{requested}' is not supported; supported: {string.Join(", ", supported)}.",
            data: JsonSerializer.SerializeToElement(
                new UnsupportedProtocolVersionErrorData { Requested = requested, Supported = [.. supported] }, McpJsonUtilities.DefaultOptions));
}
