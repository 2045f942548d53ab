using System.Buffers;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using SocialMcp.Server.Tools;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>What the start of an oversized message says about itself: whether it is a tools/call of upload_media, and its id.</summary>
public readonly record struct InlineUploadSniff(bool IsUploadMedia, RequestId Id);

/// <summary>
/// The one exception to the transports' general message cap (issue 13): a <c>tools/call</c> of <c>upload_media</c> may be as
/// large as its base64 <c>data</c> at <c>Media:MaxInlineBytes</c> needs, so that the tool, not the transport, decides.
/// Stdio (<see cref="GuardedStdioTransport"/>) and HTTP (McpRequestAdmission) share the bound and the way a message is recognised.
/// </summary>
public static class InlineUploadMessage
{
    public const string ToolName = "upload_media";

    /// <summary>Room for everything but data: jsonrpc, id, method, name, fileName, mimeType, _meta.</summary>
    public const long EnvelopeAllowance = 64 * 1024;

    /// <summary>
    /// The largest upload_media message the transports read: base64 of <paramref name="maxInlineBytes"/>, an eighth more for JSON
    /// escapes (System.Text.Json's default encoder, which the .NET MCP SDK uses, writes each '+' as \u002B: about 8% more on
    /// compressed files), and the envelope. A message over it cannot hold an acceptable file and is answered MEDIA_TOO_LARGE unread.
    /// </summary>
    public static long MaxMessageBytes(long maxInlineBytes)
    {
        var encoded = (maxInlineBytes + 2) / 3 * 4;
        return encoded + encoded / 8 + EnvelopeAllowance;
    }

    /// <summary>
    /// Finds the top-level method and id and params.name in the start of a message, without reading the rest: Utf8JsonReader on
    /// the bytes as they lie in the buffer, stopping at the first value it cannot finish (the base64 data, usually). A client
    /// that writes arguments before name (none we know does) is not recognised, and its message is held to the general cap.
    /// </summary>
    public static InlineUploadSniff Sniff(ReadOnlySequence<byte> start)
    {
        var reader = new Utf8JsonReader(start, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = JsonRpcLine.MaxDepth }));
        bool? isToolsCall = null;
        bool? isUpload = null;
        RequestId id = default;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return default;
            while (isToolsCall is null || isUpload is null)
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
                    break;
                if (reader.ValueTextEquals("method"u8))
                {
                    if (!reader.Read())
                        break;
                    isToolsCall = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(RequestMethods.ToolsCall);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    if (!reader.Read())
                        break;
                    id = reader.TokenType switch
                    {
                        JsonTokenType.String when !reader.ValueIsEscaped && reader.ValueSpan.Length <= 256 => new RequestId(reader.GetString()!),
                        JsonTokenType.Number when reader.TryGetInt64(out var number) => new RequestId(number),
                        _ => default,
                    };
                }
                else if (reader.ValueTextEquals("params"u8))
                {
                    if (!reader.Read())
                        break;
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        isUpload = false;
                        if (!reader.TrySkip())
                            break;
                        continue;
                    }
                    if (!TryFindName(ref reader, out var named))
                    {
                        isUpload ??= named;
                        break;
                    }
                    isUpload = named ?? false;
                }
                else if (!reader.Read() || !reader.TrySkip())
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON up to here: not an upload; the general cap and JsonRpcLine answer it.
        }
        return new(isToolsCall == true && isUpload == true, id);
    }

    /// <summary>
    /// Reads params' members up to its end (true) or up to what the buffer cannot finish (false); <paramref name="named"/> is
    /// whether name is upload_media, once name was seen.
    /// </summary>
    private static bool TryFindName(ref Utf8JsonReader reader, out bool? named)
    {
        named = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
                return true;
            var isName = reader.ValueTextEquals("name"u8);
            if (!reader.Read())
                return false;
            if (isName)
                named = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(ToolName);
            if (named is not null)
                return false; // nothing more is needed from params
            if (!reader.TrySkip())
                return false;
        }
        return false;
    }

    /// <summary>The tool's own MEDIA_TOO_LARGE result, for an upload_media call too large to read.</summary>
    public static JsonRpcResponse TooLarge(RequestId id, long maxInlineBytes) => new()
    {
        Id = id,
        Result = JsonSerializer.SerializeToNode(ToolResults.Failure(MediaTools.InlineTooLarge(maxInlineBytes)), McpJsonUtilities.DefaultOptions),
    };
}
