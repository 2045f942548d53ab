using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SocialMcp.Core.Media;
using SocialMcp.Server.Mcp.BadInput;
using ModelContextProtocol;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace SocialMcp.Server.Http;

/// <summary>
/// What a POST to <c>/mcp</c> goes through after authentication and before the SDK's transport: the body must be JSON
/// (415) of at most <see cref="McpHttpOptions.MaxRequestBodyBytes"/> (413) and parse (400, -32700; batches -32600);
/// a JSON-RPC request must be admitted by <see cref="IMcpRequestAdmission"/> (rate limits, 429); an
/// <c>initialize</c> that would open a session must find its key under <see cref="McpHttpOptions.MaxSessionsPerKey"/>
/// (429, -32000). The body is buffered once and handed on unchanged. A tools/call of upload_media may be larger than
/// MaxRequestBodyBytes, as large as its inline data at <c>Media:MaxInlineBytes</c> needs (<see cref="InlineUploadMessage"/>);
/// past that it is answered MEDIA_TOO_LARGE unread.
/// </summary>
internal sealed class McpRequestAdmission(
    RequestDelegate next, IOptions<McpHttpOptions> options, IOptions<MediaOptions> mediaOptions, McpHttpSessions sessions, IMcpRequestAdmission admission)
{
    private static readonly object ReservationKey = new();

    private readonly McpHttpOptions _options = options.Value;
    private readonly long _maxInlineBytes = mediaOptions.Value.MaxInlineBytes;

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

        JsonDocument document;
        try
        {
            // Parsed in place (no copy of the body), and kept for this request only.
            document = JsonDocument.Parse(body.AsMemory());
        }
        catch (JsonException)
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.ParseError,
                "Parse error: the body is not valid JSON.");
            return;
        }
        using var parsed = document;
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            await JsonRpcHttpErrors.WriteAsync(context, StatusCodes.Status400BadRequest, JsonRpcHttpErrors.InvalidRequest,
                "Invalid Request: JSON-RPC batches are not supported; send one message per POST.");
            return;
        }

        context.Request.Body = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false);
        context.Request.ContentLength = body.Count;

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

    /// <summary>
    /// The body, or null after answering: 413 when it is larger than <see cref="McpHttpOptions.MaxRequestBodyBytes"/> and not a
    /// tools/call of upload_media; MEDIA_TOO_LARGE when it is one larger than its inline data at Media:MaxInlineBytes needs.
    /// </summary>
    private async Task<ArraySegment<byte>?> ReadBodyAsync(HttpContext context)
    {
        var limit = _options.MaxRequestBodyBytes;
        var uploadLimit = Math.Max(limit, InlineUploadMessage.MaxMessageBytes(_maxInlineBytes));
        var declared = context.Request.ContentLength;

        // Our limits, not Kestrel's (30 MB by default), decide, so the refusal carries our body; the body is read at
        // most one byte past them.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = null;

        // Sized from Content-Length when it is given, so the buffer is not regrown (and copied) on the way.
        using var buffer = new MemoryStream(declared is > 0 ? (int)Math.Min(declared.Value, limit + 1) : 16 * 1024);
        var chunk = new byte[16 * 1024];
        await FillAsync(context, buffer, chunk, limit + 1);
        if (buffer.Length > limit)
        {
            // Over the general limit: the body's start says whether it is the one message allowed more.
            var sniff = InlineUploadMessage.Sniff(new ReadOnlySequence<byte>(buffer.GetBuffer(), 0, (int)limit));
            if (!sniff.IsUploadMedia)
            {
                await PayloadTooLargeAsync(context, limit);
                return null;
            }
            if (declared <= uploadLimit)
                buffer.Capacity = (int)declared.Value;
            if (declared is null || declared <= uploadLimit)
                await FillAsync(context, buffer, chunk, uploadLimit + 1);
            if (declared > uploadLimit || buffer.Length > uploadLimit)
            {
                await UploadTooLargeAsync(context, sniff, buffer, chunk, uploadLimit);
                return null;
            }
        }
        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads until <paramref name="buffer"/> holds <paramref name="size"/> bytes or the body ends.</summary>
    private static async Task FillAsync(HttpContext context, MemoryStream buffer, byte[] chunk, long size)
    {
        while (buffer.Length < size)
        {
            var read = await context.Request.Body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - buffer.Length)), context.RequestAborted);
            if (read == 0)
                break;
            buffer.Write(chunk, 0, read);
        }
    }

    /// <summary>
    /// The tool's own MEDIA_TOO_LARGE, as a JSON-RPC response (a POST may be answered with application/json). Its id comes
    /// after the data in SDK clients' messages: the rest of the body is read, not kept, to find it, up to twice the bound;
    /// past that, or with no id, the answer is 413.
    /// </summary>
    private async Task UploadTooLargeAsync(HttpContext context, InlineUploadSniff sniff, MemoryStream buffer, byte[] chunk, long uploadLimit)
    {
        var id = sniff.Id;
        if (id.Id is null && !(context.Request.ContentLength > 2 * uploadLimit))
        {
            var finder = new TopLevelIdFinder();
            finder.Feed(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            var total = buffer.Length;
            int read;
            while (finder.Id.Id is null && total <= 2 * uploadLimit
                && (read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                finder.Feed(chunk.AsSpan(0, read));
                total += read;
            }
            id = finder.Id;
        }
        if (id.Id is null)
        {
            await PayloadTooLargeAsync(context, uploadLimit);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync<JsonRpcMessage>(InlineUploadMessage.TooLarge(id, _maxInlineBytes),
            McpJsonUtilities.DefaultOptions, "application/json", context.RequestAborted);
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
