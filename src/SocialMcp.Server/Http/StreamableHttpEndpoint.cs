using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SocialMcp.Server.Http;

/// <summary>
/// The MCP endpoint over streamable HTTP: checks each request against the transport spec, asks the
/// <see cref="IMcpHttpGate"/>, then hands the JSON-RPC message to the SDK's <see cref="StreamableHttpServerTransport"/>.
/// Stateless (the default): each POST gets its own transport and <see cref="McpServer"/>. Stateful: an initialize
/// request opens a session that later requests name with <c>Mcp-Session-Id</c>.
/// </summary>
internal sealed class StreamableHttpEndpoint(
    IOptions<McpServerOptions> serverOptions,
    IOptions<McpHttpOptions> httpOptions,
    McpHttpSessions sessions,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    private const string SessionIdHeader = "Mcp-Session-Id";
    private const string ProtocolVersionHeader = "MCP-Protocol-Version";
    private const string MethodHeader = "Mcp-Method";
    private const string NameHeader = "Mcp-Name";

    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private readonly McpHttpOptions _options = httpOptions.Value;
    private readonly ILogger _logger = loggerFactory.CreateLogger<StreamableHttpEndpoint>();

    // Sessions exist only up to 2025-11-25; a stateful server asks newer clients to fall back to the initialize handshake.
    private IReadOnlyList<string> SupportedVersions =>
        _options.Stateful ? McpProtocolRevisions.WithInitializeHandshake : McpProtocolRevisions.All;

    public async Task PostAsync(HttpContext context)
    {
        var gate = context.RequestServices.GetRequiredService<IMcpHttpGate>();
        if (await gate.AuthenticateAsync(context) is not { } caller)
            return;

        var accept = context.Request.GetTypedHeaders().Accept;
        if (!Lists(accept, "application/json") || !Lists(accept, "text/event-stream"))
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status406NotAcceptable, JsonRpcHttpErrors.Refused,
                "Not Acceptable: the Accept header must list both application/json and text/event-stream.");
            return;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, JsonRpcHttpErrors.Refused,
                "Unsupported Media Type: the body must be a JSON-RPC message with Content-Type: application/json.");
            return;
        }

        if (!TryReadProtocolVersion(context, out var protocolVersion))
        {
            await JsonRpcHttpErrors.WriteUnsupportedProtocolVersionAsync(context, protocolVersion!, SupportedVersions);
            return;
        }

        if (await ReadBodyAsync(context) is not { } body)
            return;
        if (await ParseAsync(context, body) is not { } message)
            return;
        if (!await StandardHeadersMatchAsync(context, message, protocolVersion))
            return;

        // Which session the message is for, checked before admission so a request that goes nowhere costs no quota.
        McpHttpSession? session = null;
        if (HasSessionId(context, out var sessionId))
        {
            if (!_options.Stateful)
            {
                await SessionNotFoundAsync(context);
                return;
            }
            session = await FindSessionAsync(context, sessionId, caller);
            if (session is null)
                return;
        }
        else if (_options.Stateful && message is not JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.InvalidRequest,
                "Bad Request: this server keeps sessions; send initialize first, then the Mcp-Session-Id it returns with every request.",
                IdOf(message));
            return;
        }

        if (message is JsonRpcRequest request && !await gate.AdmitAsync(context, caller, request.Method, ToolName(request)))
            return;

        // How tools see the caller (RequestContext.User), and which revision the request speaks.
        message.Context = new JsonRpcMessageContext { User = caller, ProtocolVersion = protocolVersion };

        if (!_options.Stateful)
        {
            await ServeStatelessAsync(context, message);
            return;
        }

        session ??= OpenSession(caller);
        if (!session.TryEnter())
        {
            await SessionNotFoundAsync(context);
            return;
        }
        try
        {
            context.Response.Headers[SessionIdHeader] = session.Id;
            await DispatchAsync(context, session.Transport, message);
        }
        finally
        {
            session.Exit(time.GetUtcNow());
        }
    }

    public async Task GetAsync(HttpContext context)
    {
        if (!_options.Stateful)
        {
            await MethodNotAllowedAsync(context, "GET");
            return;
        }

        var gate = context.RequestServices.GetRequiredService<IMcpHttpGate>();
        if (await gate.AuthenticateAsync(context) is not { } caller)
            return;

        if (!Lists(context.Request.GetTypedHeaders().Accept, "text/event-stream"))
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status406NotAcceptable, JsonRpcHttpErrors.Refused,
                "Not Acceptable: the Accept header must list text/event-stream.");
            return;
        }
        if (!TryReadProtocolVersion(context, out var protocolVersion))
        {
            await JsonRpcHttpErrors.WriteUnsupportedProtocolVersionAsync(context, protocolVersion!, SupportedVersions);
            return;
        }
        if (await RequireSessionAsync(context, caller) is not { } session)
            return;

        // The SDK's transport serves one standalone stream per session and cannot resume it.
        if (!session.TryOpenGetStream())
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.InvalidRequest,
                "Bad Request: this session's GET stream was already opened; start a new session for another.");
            return;
        }
        if (!session.TryEnter())
        {
            await SessionNotFoundAsync(context);
            return;
        }

        // Ends with the client, the session, or the server's shutdown, whichever comes first.
        using var streamLifetime = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, session.Closed, lifetime.ApplicationStopping);
        try
        {
            context.Response.Headers[SessionIdHeader] = session.Id;
            StartEventStream(context);
            await session.Transport.HandleGetRequestAsync(context.Response.Body, streamLifetime.Token);
        }
        catch (OperationCanceledException) when (streamLifetime.IsCancellationRequested)
        {
            // How an SSE stream normally ends.
        }
        finally
        {
            session.Exit(time.GetUtcNow());
        }
    }

    public async Task DeleteAsync(HttpContext context)
    {
        if (!_options.Stateful)
        {
            await MethodNotAllowedAsync(context, "DELETE");
            return;
        }

        var gate = context.RequestServices.GetRequiredService<IMcpHttpGate>();
        if (await gate.AuthenticateAsync(context) is not { } caller)
            return;

        if (!TryReadProtocolVersion(context, out var protocolVersion))
        {
            await JsonRpcHttpErrors.WriteUnsupportedProtocolVersionAsync(context, protocolVersion!, SupportedVersions);
            return;
        }
        if (await RequireSessionAsync(context, caller) is not { } session)
            return;

        if (!await sessions.EndAsync(session))
        {
            await SessionNotFoundAsync(context);
            return;
        }
        _logger.LogInformation("MCP session ended by its client");
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private async Task ServeStatelessAsync(HttpContext context, JsonRpcMessage message)
    {
        var transport = new StreamableHttpServerTransport(loggerFactory) { Stateless = true };
        // Application services: the SDK opens a scope per request from them (McpServerOptions.ScopeRequests).
        var server = McpServer.Create(transport, serverOptions.Value, loggerFactory, services);
        var run = server.RunAsync(context.RequestAborted);
        try
        {
            await DispatchAsync(context, transport, message);
        }
        finally
        {
            await transport.DisposeAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
            }
            await server.DisposeAsync();
        }
    }

    private McpHttpSession OpenSession(ClaimsPrincipal caller)
    {
        var id = McpHttpSessions.NewId();
        var transport = new StreamableHttpServerTransport(loggerFactory)
        {
            SessionId = id,
            // The server outlives this request: each message runs in the execution context of the POST that carried it.
            FlowExecutionContextFromRequests = true,
        };
        var server = McpServer.Create(transport, serverOptions.Value, loggerFactory, services);
        var session = new McpHttpSession(id, CallerKey(caller), transport, server, time.GetUtcNow());
        using (ExecutionContext.SuppressFlow())
            session.RunTask = Task.Run(() => server.RunAsync(session.Closed));
        sessions.Add(session);
        _logger.LogInformation("MCP session opened");
        return session;
    }

    private static async Task DispatchAsync(HttpContext context, StreamableHttpServerTransport transport, JsonRpcMessage message)
    {
        StartEventStream(context);
        var wroteResponse = await transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted);
        if (!wroteResponse)
        {
            // Only notifications or responses: nothing to answer.
            context.Response.Headers.ContentType = default;
            context.Response.Headers.ContentEncoding = default;
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        }
    }

    private static void StartEventStream(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers.ContentEncoding = "identity";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
    }

    /// <summary>The body, or null after answering 413 when it is larger than <see cref="McpHttpOptions.MaxRequestBodyBytes"/>.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var limit = _options.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await PayloadTooLargeAsync(context, limit);
            return null;
        }

        // Our limit, not Kestrel's (30 MB by default), decides, so the 413 carries our body; the loop below reads at
        // most one chunk past it.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = null;

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await PayloadTooLargeAsync(context, limit);
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Task PayloadTooLargeAsync(HttpContext context, long limit) =>
        JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, JsonRpcHttpErrors.Refused,
            $"Payload Too Large: the body may be at most {limit} bytes.");

    /// <summary>The JSON-RPC message, or null after answering 400 with a parse error or invalid request.</summary>
    private static async Task<JsonRpcMessage?> ParseAsync(HttpContext context, byte[] body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.ParseError,
                "Parse error: the body is not valid JSON.");
            return null;
        }

        if (root.ValueKind == JsonValueKind.Array)
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.InvalidRequest,
                "Invalid Request: JSON-RPC batches are not supported; send one message per POST.");
            return null;
        }

        try
        {
            if (root.ValueKind == JsonValueKind.Object && root.Deserialize(MessageType) is { } message)
                return message;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Falls through: the SDK's reader throws these for members of the wrong type.
        }
        await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.InvalidRequest,
            "Invalid Request: the body is not a JSON-RPC 2.0 request, notification or response.");
        return null;
    }

    /// <summary>
    /// The header may be absent (the spec then assumes 2025-03-26); present, it must name a revision this server speaks.
    /// False leaves the unsupported value in <paramref name="version"/>.
    /// </summary>
    private bool TryReadProtocolVersion(HttpContext context, out string? version)
    {
        var header = context.Request.Headers[ProtocolVersionHeader].ToString();
        version = header.Length == 0 ? null : header;
        return version is null || SupportedVersions.Contains(version);
    }

    /// <summary>
    /// <c>Mcp-Method</c> and <c>Mcp-Name</c> let proxies route without reading the body, so they must agree with it;
    /// from 2026-07-28 they are required. A mismatch is refused with the spec's HeaderMismatch error.
    /// </summary>
    private static async Task<bool> StandardHeadersMatchAsync(HttpContext context, JsonRpcMessage message, string? protocolVersion)
    {
        var required = McpProtocolRevisions.HasPerRequestMetadata(protocolVersion);
        var method = message switch { JsonRpcRequest r => r.Method, JsonRpcNotification n => n.Method, _ => null };
        string? problem = null;
        if (method is not null)
            problem = Check(MethodHeader, context.Request.Headers[MethodHeader].ToString(), method, required);
        if (problem is null && message is JsonRpcRequest request && RoutingName(request) is { } name)
            problem = Check(NameHeader, context.Request.Headers[NameHeader].ToString(), name, required);

        if (problem is null)
            return true;
        await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, (int)McpErrorCode.HeaderMismatch,
            $"Bad Request: {problem}", IdOf(message));
        return false;

        static string? Check(string header, string value, string expected, bool required) =>
            value.Length == 0
                ? required ? $"the {header} header is required." : null
                : McpHeaderEncoder.DecodeValue(value) == expected ? null : $"the {header} header does not match the body.";
    }

    private async Task<McpHttpSession?> RequireSessionAsync(HttpContext context, ClaimsPrincipal caller)
    {
        if (HasSessionId(context, out var sessionId))
            return await FindSessionAsync(context, sessionId, caller);
        await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.InvalidRequest,
            "Bad Request: the Mcp-Session-Id header is required.");
        return null;
    }

    /// <summary>
    /// The caller's live session, or null after answering 404: when there is none with this id, it belongs to another
    /// caller (indistinguishable on purpose), or it has been idle past the timeout and the sweep has not ended it yet.
    /// </summary>
    private async Task<McpHttpSession?> FindSessionAsync(HttpContext context, string sessionId, ClaimsPrincipal caller)
    {
        var session = sessions.Find(sessionId, CallerKey(caller));
        if (session is not null && await sessions.EndAsync(session, time.GetUtcNow() - _options.SessionIdleTimeout))
            session = null;
        if (session is null)
            await SessionNotFoundAsync(context);
        return session;
    }

    private static Task SessionNotFoundAsync(HttpContext context) =>
        JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status404NotFound, JsonRpcHttpErrors.SessionNotFound,
            "Session not found: it ended, expired or never existed. Initialize a new session.");

    private static Task MethodNotAllowedAsync(HttpContext context, string method)
    {
        context.Response.Headers.Allow = "POST";
        return JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, JsonRpcHttpErrors.Refused,
            $"Method Not Allowed: this server is stateless, so there is no session stream or session to end; {method} is not supported.");
    }

    private static bool HasSessionId(HttpContext context, out string sessionId)
    {
        sessionId = context.Request.Headers[SessionIdHeader].ToString();
        return sessionId.Length > 0;
    }

    private static bool Lists(IList<MediaTypeHeaderValue> accept, string mediaType) =>
        accept.Any(value => value.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase));

    private static string? CallerKey(ClaimsPrincipal caller) => caller.FindFirst(CallerClaims.KeyId)?.Value;

    private static RequestId IdOf(JsonRpcMessage message) => message is JsonRpcMessageWithId { Id: var id } ? id : default;

    private static string? ToolName(JsonRpcRequest request) =>
        request.Method == RequestMethods.ToolsCall ? StringParam(request.Params, "name") : null;

    private static string? RoutingName(JsonRpcRequest request) => request.Method switch
    {
        RequestMethods.ToolsCall or RequestMethods.PromptsGet => StringParam(request.Params, "name"),
        RequestMethods.ResourcesRead => StringParam(request.Params, "uri"),
        _ => null,
    };

    private static string? StringParam(JsonNode? parameters, string name) =>
        parameters is JsonObject obj && obj[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
