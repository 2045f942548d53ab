using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace SocialMcp.Server.Http;

/// <summary>
/// What a POST to <c>/mcp</c> goes through after authentication and before the SDK's transport: the body must be JSON
/// (415) of at most <see cref="McpHttpOptions.MaxRequestBodyBytes"/> (413) and parse (400, -32700; batches -32600);
/// a JSON-RPC request must be admitted by <see cref="IMcpRequestAdmission"/> (rate limits, 429); an
/// <c>initialize</c> that would open a session must find its key under <see cref="McpHttpOptions.MaxSessionsPerKey"/>
/// (429, -32000). The body is buffered (it is small) and handed on unchanged.
/// </summary>
internal sealed class McpRequestAdmission(RequestDelegate next, IOptions<McpHttpOptions> options, McpHttpSessions sessions, IMcpRequestAdmission admission)
{
    private static readonly object ReservationKey = new();

    private readonly McpHttpOptions _options = options.Value;

    /// <summary>The session place this request holds, for the session it opens.</summary>
    internal static McpHttpSessions.Reservation? ReservationOf(HttpContext context) =>
        context.Items.TryGetValue(ReservationKey, out var value) ? value as McpHttpSessions.Reservation : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, JsonRpcHttpErrors.Refused,
                "Unsupported Media Type: the body must be a JSON-RPC message with Content-Type: application/json.");
            return;
        }

        if (await ReadBodyAsync(context) is not { } body)
            return;

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
            return;
        }
        if (root.ValueKind == JsonValueKind.Array)
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.InvalidRequest,
                "Invalid Request: JSON-RPC batches are not supported; send one message per POST.");
            return;
        }

        context.Request.Body = new MemoryStream(body, writable: false);
        context.Request.ContentLength = body.Length;

        // Only requests (a method and an id) are admitted; notifications and responses pass.
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("method", out var methodElement) && methodElement.ValueKind == JsonValueKind.String
            && root.TryGetProperty("id", out var idElement))
        {
            var method = methodElement.GetString()!;
            if (!await admission.AdmitAsync(context, context.User, method, ToolName(method, root)))
                return;

            if (method == RequestMethods.Initialize && OpensSession(context))
            {
                using var reservation = sessions.TryReserve(McpHttpTransportSetup.OwnerKey(context.User) ?? "", _options.MaxSessionsPerKey);
                if (reservation is null)
                {
                    await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, JsonRpcHttpErrors.Refused,
                        $"Too many sessions: this API key already holds {_options.MaxSessionsPerKey} open sessions (Http:MaxSessionsPerKey). " +
                        "End one with DELETE, or wait for an idle one to time out, then initialize again.",
                        IdOf(idElement));
                    return;
                }
                context.Items[ReservationKey] = reservation;
                await next(context);
                return;
            }
        }

        await next(context);
    }

    /// <summary>Whether the SDK would open a session for this initialize: a session mode, no session yet, a handshake revision.</summary>
    private bool OpensSession(HttpContext context) =>
        _options.EffectiveSessionMode != HttpServerSessionMode.Stateless
        && context.Request.Headers["Mcp-Session-Id"].ToString().Length == 0
        && !string.Equals(context.Request.Headers["MCP-Protocol-Version"].ToString(), "2026-07-28", StringComparison.Ordinal);

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

    private static string? ToolName(string method, JsonElement root) =>
        method == RequestMethods.ToolsCall
        && root.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object
        && parameters.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;

    private static RequestId IdOf(JsonElement id) => id.ValueKind switch
    {
        JsonValueKind.String => new RequestId(id.GetString()!),
        JsonValueKind.Number when id.TryGetInt64(out var number) => new RequestId(number),
        _ => default,
    };
}
