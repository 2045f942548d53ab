using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace SocialMcp.Server.Mcp.BadInput;

/// <summary>What to do with one line of a stdio stream: hand a message to the SDK, answer an error, or nothing (blank line).</summary>
public readonly record struct JsonRpcLineVerdict(JsonRpcMessage? Message, JsonRpcError? Reply, string? Reason);

/// <summary>
/// Reads one JSON-RPC message the way the SDK will, so that a line the SDK would drop without a word (a byte-order
/// mark, a batch, an id that is an object or a float, nesting past its depth limit) or fail on later (a lone UTF-16
/// surrogate, a duplicate key) is answered here. Every line that is not a well-formed notification gets exactly one
/// reply: with the caller's id when one can be read (a string or an integer), else with id null as JSON-RPC 2.0 says.
/// </summary>
public static class JsonRpcLine
{
    /// <summary>The SDK's reader depth (System.Text.Json's default); deeper messages are answered here.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonTypeInfo MessageType = McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    // Only to find the id and say what is wrong once the strict parse has failed; deep input costs no stack here.
    private static readonly JsonDocumentOptions Lenient = new() { MaxDepth = 100_000 };

    public static JsonRpcLineVerdict Read(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("\uFEFF"u8))
            line = line[3..];
        line = line.Trim(" \t\r\n"u8);
        if (line.IsEmpty)
            return default;

        // Lenient first: a strict parse decodes property names to find duplicates, and a lone surrogate makes that throw.
        using var document = TryParse(line, Lenient);
        if (document is null)
        {
            return Refuse(RecoverId(line), McpErrorCode.ParseError, "Parse error: the line is not valid JSON.", "not JSON");
        }
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            return Refuse(default, McpErrorCode.InvalidRequest,
                "Invalid Request: JSON-RPC batches (arrays) are not supported; send one message per line.", "batch");
        }
        if (root.ValueKind != JsonValueKind.Object)
            return Refuse(default, McpErrorCode.InvalidRequest, "Invalid Request: a JSON-RPC message is a JSON object.", "not an object");

        if (!TryReadId(root, out var id, out var hasId))
        {
            return Refuse(default, McpErrorCode.InvalidRequest,
                "Invalid Request: the id must be a string or an integer (JSON-RPC 2.0); it is answered here with id null.", "invalid id");
        }
        // Neither a notification nor a response (a client's answer to a server request) is ever answered, even when broken.
        var isNotification = hasId
            ? Member(root, "method"u8) is null && (Member(root, "result"u8) is not null || Member(root, "error"u8) is not null)
            : Member(root, "method"u8) is { ValueKind: JsonValueKind.String };

        if (JsonText.FindLoneSurrogate(root) is { } path)
        {
            var inParams = path.StartsWith("$.params", StringComparison.Ordinal);
            return isNotification ? Ignore("lone surrogate")
                : Refuse(id, inParams ? McpErrorCode.InvalidParams : McpErrorCode.InvalidRequest,
                    $"{(inParams ? "Invalid params" : "Invalid Request")}: the text at {path} holds a lone UTF-16 surrogate (an escape such as \\ud800 without its pair), which is not valid Unicode. Send well-formed text.",
                    "lone surrogate", path);
        }

        using var strict = TryParse(line, Strict);
        if (strict is null)
        {
            using var unique = TryParse(line, new JsonDocumentOptions { MaxDepth = Lenient.MaxDepth, AllowDuplicateProperties = false });
            var tooDeep = unique is not null;
            var message = tooDeep
                ? $"Invalid Request: the message is nested deeper than {MaxDepth} levels."
                : "Invalid Request: an object in the message has the same property name twice.";
            return isNotification ? Ignore(tooDeep ? "too deep" : "duplicate key")
                : Refuse(id, McpErrorCode.InvalidRequest, message, tooDeep ? "too deep" : "duplicate key");
        }

        try
        {
            if (strict.RootElement.Deserialize(MessageType) is JsonRpcMessage message)
                return new(message, null, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException or NotSupportedException)
        {
            // Falls through: the SDK's reader throws these for members it cannot read; its messages quote input.
        }
        return isNotification ? Ignore("unreadable notification")
            : Refuse(id, McpErrorCode.InvalidRequest,
                "Invalid Request: not a JSON-RPC 2.0 request, notification or response (jsonrpc \"2.0\", a string method, an object params).",
                "not JSON-RPC");
    }

    private static JsonDocument? TryParse(ReadOnlySpan<byte> line, JsonDocumentOptions options)
    {
        try
        {
            return JsonDocument.Parse(line.ToArray(), options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>False for an id JSON-RPC does not allow (object, array, boolean, null, a non-integral or huge number).</summary>
    private static bool TryReadId(JsonElement root, out RequestId id, out bool hasId)
    {
        id = default;
        var member = Member(root, "id"u8);
        hasId = member is not null;
        if (member is not { } value)
            return true;
        switch (value.ValueKind)
        {
            case JsonValueKind.String when JsonText.FindLoneSurrogate(value) is null:
                id = new RequestId(value.GetString()!);
                return true;
            case JsonValueKind.Number when value.TryGetInt64(out var number):
                id = new RequestId(number);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The id of a line that is not valid JSON, when its top level still names one before the damage.</summary>
    private static RequestId RecoverId(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = int.MaxValue });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                    return default;
                if (isId)
                {
                    return reader.TokenType switch
                    {
                        JsonTokenType.String => new RequestId(reader.GetString()!),
                        JsonTokenType.Number when reader.TryGetInt64(out var number) => new RequestId(number),
                        _ => default,
                    };
                }
                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The damage came before any id.
        }
        return default;
    }

    /// <summary>
    /// A top-level member found by its name as written: TryGetProperty decodes every name it passes, and a name holding
    /// a lone surrogate makes it throw.
    /// </summary>
    private static JsonElement? Member(JsonElement root, ReadOnlySpan<byte> name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property).SequenceEqual(name))
                return property.Value;
        }
        return null;
    }

    private static JsonRpcLineVerdict Ignore(string reason) => new(null, null, reason);

    private static JsonRpcLineVerdict Refuse(RequestId id, McpErrorCode code, string message, string reason, string? path = null)
    {
        var error = new JsonRpcError
        {
            Id = id,
            Error = new JsonRpcErrorDetail
            {
                Code = (int)code,
                Message = message,
                Data = path is null ? null : JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["path"] = path }),
            },
        };
        return new(null, error, reason);
    }
}
