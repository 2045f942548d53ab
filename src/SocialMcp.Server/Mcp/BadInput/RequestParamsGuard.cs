using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>
/// An incoming message filter (so stdio and HTTP share it) that reads each request's params the way the SDK will,
/// before the SDK does. The SDK turns a params object it cannot read (a tool name that is a number, arguments that are
/// a string, a lone UTF-16 surrogate) into -32603 "An error occurred.", which tells the caller nothing; here it becomes
/// -32602 Invalid params with the JSON path in the message and in <c>error.data.path</c>.
/// </summary>
public static class RequestParamsGuard
{
    /// <summary>Longer method names are answered here, so the SDK's "method not found" cannot echo a megabyte.</summary>
    public const int MaxMethodChars = 128;

    private static readonly Dictionary<string, JsonTypeInfo> ParamsTypes = new(StringComparer.Ordinal)
    {
        [RequestMethods.Initialize] = TypeOf<InitializeRequestParams>(),
        [RequestMethods.Ping] = TypeOf<PingRequestParams>(),
        [RequestMethods.ToolsList] = TypeOf<ListToolsRequestParams>(),
        [RequestMethods.ToolsCall] = TypeOf<CallToolRequestParams>(),
        [RequestMethods.PromptsList] = TypeOf<ListPromptsRequestParams>(),
        [RequestMethods.PromptsGet] = TypeOf<GetPromptRequestParams>(),
        [RequestMethods.ResourcesList] = TypeOf<ListResourcesRequestParams>(),
        [RequestMethods.ResourcesRead] = TypeOf<ReadResourceRequestParams>(),
        [RequestMethods.ResourcesTemplatesList] = TypeOf<ListResourceTemplatesRequestParams>(),
        [RequestMethods.ResourcesSubscribe] = TypeOf<SubscribeRequestParams>(),
        [RequestMethods.ResourcesUnsubscribe] = TypeOf<UnsubscribeRequestParams>(),
        [RequestMethods.CompletionComplete] = TypeOf<CompleteRequestParams>(),
    };

    // Methods the 2026-07-28 revision removed. A request of that revision names its version in params._meta; its
    // params are not the old ones, so reading them as such would answer -32602 where the revision wants -32601.
    private static readonly HashSet<string> RemovedIn20260728 = new(StringComparer.Ordinal)
    {
        RequestMethods.Initialize, RequestMethods.Ping, RequestMethods.ResourcesSubscribe, RequestMethods.ResourcesUnsubscribe,
    };

    private const string MetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";

    private static bool NamesARevisionInMeta(JsonNode? parameters) =>
        parameters is JsonObject { } body && body["_meta"] is JsonObject meta && meta.ContainsKey(MetaProtocolVersion);

    // Set by JsonRpcBodyGuard once it has checked an HTTP POST's message; the SDK runs the message's handlers in the
    // POST's execution context, so the filter below sees it and does not read the same params a second time.
    private static readonly AsyncLocal<bool> CheckedUpstream = new();

    /// <summary>Tells the filter that the message now being handled was checked before the transport read it.</summary>
    internal static void MarkCheckedUpstream() => CheckedUpstream.Value = true;

    public static IMcpMessageFilterBuilder AddRequestParamsGuard(this IMcpMessageFilterBuilder filters) =>
        filters.AddIncomingFilter(next => async (context, cancellationToken) =>
        {
            if (!CheckedUpstream.Value && context.JsonRpcMessage is JsonRpcRequest request && Check(request) is { } problem)
            {
                var exception = new McpProtocolException(problem.Message, problem.Code);
                if (problem.Path is not null)
                    exception.Data["path"] = problem.Path;
                throw exception;
            }
            await next(context, cancellationToken);
        });

    /// <summary>What is wrong with a request's method or params, or null when the SDK can read them.</summary>
    public static ParamsProblem? Check(JsonRpcRequest request)
    {
        if (request.Method.Length > MaxMethodChars)
            return new(McpErrorCode.MethodNotFound, $"Method not found: '{InputExcerpt.Of(request.Method)}'.", null);
        if (!ParamsTypes.TryGetValue(request.Method, out var paramsType))
            return null;
        if (RemovedIn20260728.Contains(request.Method) && NamesARevisionInMeta(request.Params))
            return null; // the SDK answers these with 404 / -32601 Method not found on that revision, as it must

        if (request.Params is not (null or JsonObject))
        {
            return new(McpErrorCode.InvalidParams,
                $"Invalid params: {request.Method} takes its params as a JSON object, not {KindOf(request.Params)}.", "$.params");
        }
        if (JsonText.FindLoneSurrogate(request.Params, "$.params") is { } surrogatePath)
        {
            return new(McpErrorCode.InvalidParams,
                $"Invalid params: the text at {surrogatePath} holds a lone UTF-16 surrogate (an escape such as \\ud800 without its pair), which is not valid Unicode. Send well-formed text.",
                surrogatePath);
        }
        if (request.Params is null)
            return null;

        try
        {
            _ = request.Params.Deserialize(paramsType);
            return null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException or NotSupportedException)
        {
            // The exception's own message names .NET types and quotes input: only its path goes back.
            var path = ex is JsonException { Path: { Length: > 0 } jsonPath } ? "$.params" + jsonPath.TrimStart('$') : "$.params";
            return new(McpErrorCode.InvalidParams,
                $"Invalid params: {InputExcerpt.Of(path, 2 * InputExcerpt.MaxChars)} is missing or has the wrong type for {request.Method}; see the MCP specification for this method's params.",
                InputExcerpt.Of(path, 2 * InputExcerpt.MaxChars));
        }
    }

    private static string KindOf(JsonNode? node) => node switch
    {
        JsonArray => "an array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        },
        _ => "null",
    };

    private static JsonTypeInfo TypeOf<T>() => McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(T));
}

/// <summary>A JSON-RPC error for a request the SDK could not read: code, message, and the path when there is one.</summary>
public sealed record ParamsProblem(McpErrorCode Code, string Message, string? Path);
