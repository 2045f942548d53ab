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

    public static IMcpMessageFilterBuilder AddRequestParamsGuard(this IMcpMessageFilterBuilder filters) =>
        filters.AddIncomingFilter(next => async (context, cancellationToken) =>
        {
            if (context.JsonRpcMessage is JsonRpcRequest request && Check(request) is { } problem)
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
