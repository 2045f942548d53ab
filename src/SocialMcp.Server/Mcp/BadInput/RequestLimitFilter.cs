using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SocialMcp.Server.Access;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>
/// Every request other than tools/call (initialize, ping, the lists, resources/read, prompts, completion...) draws on
/// the caller's <see cref="ToolOperation.Protocol"/> budget, on stdio and over HTTP alike (an incoming message filter
/// sees both). tools/call is counted per tool by <see cref="ToolCallFilter"/> and, over HTTP, by the gate.
/// Over the limit the request is answered with JSON-RPC error <see cref="Code"/> and data {code, retryAfterSeconds, limit}.
/// </summary>
public static class RequestLimitFilter
{
    /// <summary>Not a JSON-RPC or MCP standard code: ours, in the server-defined range, chosen to read as HTTP 429.</summary>
    public const int Code = -32029;

    public static IMcpMessageFilterBuilder AddRequestLimits(this IMcpMessageFilterBuilder filters, Func<IServiceProvider?, ToolRateLimiter> limiter) =>
        filters.AddIncomingFilter(next => async (context, cancellationToken) =>
        {
            if (context.JsonRpcMessage is JsonRpcRequest { Method: not RequestMethods.ToolsCall })
            {
                var caller = Caller.From(context.User);
                var decision = limiter(context.Services).TryAcquire(caller.RatePartition, ToolOperation.Protocol);
                if (!decision.Admitted)
                {
                    var retryAfterSeconds = (int)Math.Ceiling(decision.ResetAfter.TotalSeconds);
                    var exception = new McpProtocolException(
                        $"Rate limited: more than {decision.Limit} requests in this window. Retry after {retryAfterSeconds} seconds.",
                        (McpErrorCode)Code);
                    exception.Data["code"] = "RATE_LIMITED";
                    exception.Data["retryAfterSeconds"] = retryAfterSeconds;
                    exception.Data["limit"] = decision.Limit;
                    throw exception;
                }
            }
            await next(context, cancellationToken);
        });
}
