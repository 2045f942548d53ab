using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>
/// The HTTP twin of <see cref="GuardedStdioTransport"/>'s line check: a POST to /mcp whose JSON-RPC body the SDK's
/// HTTP transport would fail on (an initialize with params of the wrong type, a lone surrogate in a params name) is
/// answered here with 400 and the JSON-RPC error, with the caller's id. It runs in front of whichever HTTP transport
/// serves /mcp and only on requests that carry credentials; the endpoint keeps authentication, size limits and the rest.
/// </summary>
internal sealed class JsonRpcBodyGuard(ILogger<JsonRpcBodyGuard> logger) : IStartupFilter
{
    /// <summary>The MCP endpoint's path (see MapSocialMcp).</summary>
    private const string McpPath = "/mcp";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            switch (await CheckAsync(context))
            {
                case BodyCheck.Answered:
                    return;
                case BodyCheck.RequestPassed:
                    // Set here, not inside CheckAsync: an async method's AsyncLocal changes end when it returns.
                    RequestParamsGuard.MarkCheckedUpstream();
                    break;
            }
            await nextMiddleware(context);
        });
        next(app);
    };

    private enum BodyCheck { NotChecked, Answered, RequestPassed }

    private async Task<BodyCheck> CheckAsync(HttpContext context)
    {
        var request = context.Request;
        // Only bodies of a known, bounded length are read here; larger ones go on to the endpoint's own 413.
        if (!HttpMethods.IsPost(request.Method) || !request.Path.Equals(McpPath, StringComparison.OrdinalIgnoreCase)
            || request.Headers.Authorization.Count == 0
            || request.ContentLength is not (> 0 and <= GuardedStdioTransport.MaxLineBytes))
        {
            return BodyCheck.NotChecked;
        }

        var body = new byte[request.ContentLength.Value];
        await request.Body.ReadExactlyAsync(body, context.RequestAborted);
        request.Body = new MemoryStream(body, writable: false);

        JsonRpcLineVerdict verdict;
        try
        {
            verdict = JsonRpcLine.Read(body);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or JsonException or FormatException)
        {
            // Our check missed a case: refuse the body rather than fail the request.
            logger.LogError(ex, "Could not check an MCP POST body");
            verdict = new(null, new JsonRpcError
            {
                Id = default,
                Error = new JsonRpcErrorDetail { Code = (int)McpErrorCode.InvalidRequest, Message = "Invalid Request: the message could not be read." },
            }, "unreadable");
        }
        JsonRpcError? reply = verdict.Reply;
        if (verdict.Message is JsonRpcRequest message && RequestParamsGuard.Check(message) is { } problem)
        {
            reply = new JsonRpcError
            {
                Id = message.Id,
                Error = new JsonRpcErrorDetail
                {
                    Code = (int)problem.Code,
                    Message = problem.Message,
                    Data = problem.Path is null ? null : JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["path"] = problem.Path }),
                },
            };
        }

        if (reply is not null)
        {
            logger.LogInformation("Refused an MCP POST: {Reason}", verdict.Reason ?? "params");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync<JsonRpcMessage>(reply, McpJsonUtilities.DefaultOptions, "application/json", context.RequestAborted);
            return BodyCheck.Answered;
        }
        if (verdict.Message is null && verdict.Reason is not null)
        {
            // A notification that cannot be read: nothing to answer, as for any notification.
            logger.LogInformation("Ignored an MCP POST: {Reason}", verdict.Reason);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return BodyCheck.Answered;
        }
        return verdict.Message is JsonRpcRequest ? BodyCheck.RequestPassed : BodyCheck.NotChecked;
    }
}
