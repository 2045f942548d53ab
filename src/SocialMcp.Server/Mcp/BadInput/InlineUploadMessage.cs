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

/// <summary>
/// Finds a message's top-level id in bytes fed as they pass, holding none of them: for an upload_media message too large to
/// read, whose id an SDK client writes after params (and so after the data). A byte-level scan of JSON's structure (strings,
/// escapes, nesting); the id's raw value, once complete, is read with Utf8JsonReader.
/// </summary>
public sealed class TopLevelIdFinder
{
    private const int MaxNameBytes = 8;
    private const int MaxIdBytes = 256;

    private readonly List<byte> _name = new(MaxNameBytes);
    private readonly List<byte> _value = new(MaxIdBytes);
    private int _depth;
    private bool _inString;
    private bool _escaped;
    private bool _expectingName;
    private bool _nameIsId;
    private bool _capturing;
    private bool _gaveUp;

    /// <summary>The id, once one was read (a string or an integer, as JSON-RPC allows); default otherwise.</summary>
    public RequestId Id { get; private set; }

    public void Feed(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
            Feed(segment.Span);
    }

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        if (_gaveUp || Id.Id is not null)
            return;
        foreach (var b in bytes)
        {
            if (_capturing && !Capture(b))
                return;
            if (_inString)
            {
                if (_escaped)
                    _escaped = false;
                else if (b == (byte)'\\')
                    _escaped = true;
                else if (b == (byte)'"')
                    _inString = false;
                else if (_depth == 1 && _expectingName && _name.Count <= MaxNameBytes)
                    _name.Add(b);
                continue;
            }
            switch (b)
            {
                case (byte)'"':
                    _inString = true;
                    break;
                case (byte)'{' or (byte)'[':
                    _depth++;
                    _expectingName = _depth == 1 && b == (byte)'{';
                    break;
                case (byte)'}' or (byte)']':
                    _depth--;
                    break;
                case (byte)',' when _depth == 1:
                    _expectingName = true;
                    _name.Clear();
                    break;
                case (byte)':' when _depth == 1 && _expectingName:
                    _expectingName = false;
                    _nameIsId = _name.Count == 2 && _name[0] == (byte)'i' && _name[1] == (byte)'d';
                    _name.Clear();
                    if (_nameIsId)
                    {
                        _capturing = true;
                        _value.Clear();
                    }
                    break;
            }
            if (_depth < 0)
                _gaveUp = true;
        }
    }

    /// <summary>Adds one byte of the id's value; false when the value is complete (or not an id JSON-RPC allows).</summary>
    private bool Capture(byte b)
    {
        var endsValue = !_inString && (b == (byte)',' || b == (byte)'}') && _value.Count > 0;
        if (!endsValue)
        {
            if (_value.Count >= MaxIdBytes || (!_inString && _value.Count == 0 && b is (byte)'{' or (byte)'['))
            {
                _gaveUp = true;
                return false;
            }
            if (!(_value.Count == 0 && b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                _value.Add(b);
            return true;
        }
        _capturing = false;
        try
        {
            var reader = new Utf8JsonReader(_value.ToArray().AsSpan().TrimEnd(" \t\r\n"u8));
            if (reader.Read())
            {
                Id = reader.TokenType switch
                {
                    JsonTokenType.String => new RequestId(reader.GetString()!),
                    JsonTokenType.Number when reader.TryGetInt64(out var number) => new RequestId(number),
                    _ => default,
                };
            }
        }
        catch (JsonException)
        {
        }
        _gaveUp = Id.Id is null;
        return false;
    }
}
