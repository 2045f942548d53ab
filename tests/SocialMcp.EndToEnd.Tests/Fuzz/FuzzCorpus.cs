using System.Globalization;
using System.Text;

namespace SocialMcp.EndToEnd.Tests.Fuzz;

/// <summary>What a fuzz call must get back over stdio.</summary>
public enum FuzzExpectation
{
    /// <summary>Exactly one response carrying the call's id.</summary>
    ReplyWithId,

    /// <summary>Exactly one response with id null (invalid id, batch, not a JSON object).</summary>
    ReplyWithNullId,

    /// <summary>Exactly one response, with the call's id when the damaged text still shows it, else id null.</summary>
    ReplyWithIdOrNull,

    /// <summary>No response: a notification, or a response sent by the client.</summary>
    NoReply,
}

/// <summary>One line (stdio) or body (HTTP) of bad or odd input, and what it must be answered with.</summary>
public sealed record FuzzCall(string Kind, string Json, FuzzExpectation Expectation, string? IdJson)
{
    /// <summary>The text with the huge parts cut, for a failure message.</summary>
    public override string ToString() => $"{Kind}: {(Json.Length > 300 ? Json[..300] + $"… ({Json.Length} chars)" : Json)}";
}

/// <summary>
/// Seeded generator of malformed and hostile JSON-RPC: lone surrogates in values and names, ~1 MB strings and names,
/// deep nesting, duplicate keys, NaN/Infinity tokens, integers written as 1.0, 1e2, 2^63 or -0, wrong types for
/// arguments, name, id and params, batches, a byte-order mark, notifications posing as calls, invalid ids. The same
/// seed always yields the same calls. JSON is written by hand because half of it must not be valid.
/// </summary>
public sealed class FuzzCorpus(int seed, int hugeChars = 1_000_000)
{
    private static readonly string[] Tools =
    [
        "create_post", "validate_post", "get_post", "list_posts", "update_post", "schedule_post", "publish_post", "cancel_post",
        "retry_post", "withdraw_post", "resolve_target", "list_accounts", "list_platform_sets", "create_platform_set",
        "rename_platform_set", "delete_platform_set", "health",
    ];

    private static readonly string[] Names =
    [
        "postId", "content", "text", "platforms", "limit", "offset", "version", "toleranceMinutes", "scheduledFor", "status",
        "platform", "name", "media", "publishPolicy", "idempotencyKey", "platformSetId", "withSandboxAccounts", "planHash",
    ];

    private static readonly string[] Methods =
    [
        "initialize", "ping", "tools/list", "resources/list", "resources/read", "resources/templates/list", "prompts/list",
        "prompts/get", "completion/complete", "resources/subscribe", "resources/unsubscribe", "no/such/method",
    ];

    private readonly Random _random = new(seed);
    private int _next;

    public IEnumerable<FuzzCall> Calls(int count)
    {
        for (var i = 0; i < count; i++)
            yield return Next();
    }

    public FuzzCall Next()
    {
        var roll = _random.Next(100);
        return roll switch
        {
            < 30 => ToolCallWithOddArguments(),
            < 38 => ToolCallWithOddName(),
            < 44 => ToolCallWithOddArgumentsType(),
            < 50 => OddParams(),
            < 60 => OtherMethod(),
            < 66 => InvalidId(),
            < 71 => Batch(),
            < 75 => WithByteOrderMark(),
            < 80 => NotificationPosingAsCall(),
            < 86 => NotJsonOrNotAMessage(),
            < 89 => ClientResponse(),
            < 98 => NonFiniteOrOutOfRangeNumber(),
            _ => Huge(),
        };
    }

    private string NewId()
    {
        var n = ++_next;
        return _random.Next(2) == 0 ? n.ToString(CultureInfo.InvariantCulture) : $"\"fz-{n}\"";
    }

    private static string Request(string id, string method, string? paramsJson) =>
        paramsJson is null
            ? $$"""{"jsonrpc":"2.0","id":{{id}},"method":{{method}}}"""
            : $$"""{"jsonrpc":"2.0","id":{{id}},"method":{{method}},"params":{{paramsJson}}}""";

    private static string Quote(string text) => "\"" + text + "\"";

    private FuzzCall Call(string kind, string method, string? paramsJson)
    {
        var id = NewId();
        return new(kind, Request(id, Quote(method), paramsJson), FuzzExpectation.ReplyWithId, id);
    }

    private FuzzCall ToolCallWithOddArguments() =>
        Call("tool arguments", "tools/call", $$"""{"name":"{{Pick(Tools)}}","arguments":{{Object(depth: 0)}}}""");

    private FuzzCall ToolCallWithOddName()
    {
        var name = _random.Next(9) switch
        {
            0 => "42",
            1 => "{}",
            2 => """["create_post"]""",
            3 => "null",
            4 => "true",
            5 => "\"\\ud800\"",
            6 => "\"create_post\\udc00\"",
            7 => "\"no_such_tool\"",
            _ => "\"" + new string('t', 5_000) + "\"",
        };
        return Call("tool name", "tools/call", "{\"name\":" + name + ",\"arguments\":{}}");
    }

    private FuzzCall ToolCallWithOddArgumentsType()
    {
        var arguments = Pick(["\"text\"", "42", "[1,2]", "null", "true", "[]", "\"\\ud800\""]);
        return Call("arguments type", "tools/call", $$"""{"name":"{{Pick(Tools)}}","arguments":{{arguments}}}""");
    }

    private FuzzCall OddParams() =>
        Call("params type", Pick(Methods.Append("tools/call").ToArray()), Pick(["42", "\"params\"", "[]", "[1]", "true", "{\"\\ud800\":1}", "{\"a\":1,\"a\":2}"]));

    private FuzzCall OtherMethod()
    {
        var method = Pick(Methods);
        var paramsJson = method switch
        {
            "initialize" => _random.Next(2) == 0
                ? """{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}"""
                : $$"""{"protocolVersion":{{Value(1)}},"capabilities":{{Value(1)}},"clientInfo":{{Value(1)}}}""",
            "resources/read" or "resources/subscribe" or "resources/unsubscribe" => $$"""{"uri":{{Pick(["\"socialmcp://posts/" + SeededGuid() + "\"", "\"socialmcp://posts/\\ud800\"", "\"not a uri\"", "42", "null", "\"\""])}}}""",
            "prompts/get" => $$"""{"name":{{Value(1)}},"arguments":{{Value(1)}}}""",
            "completion/complete" => $$"""{"ref":{{Value(1)}},"argument":{{Value(1)}}}""",
            _ => _random.Next(3) == 0 ? null : Object(depth: 1),
        };
        return Call("method " + method, method, paramsJson);
    }

    private FuzzCall InvalidId()
    {
        var id = Pick(["{}", "{\"a\":1}", "[]", "[1]", "1.5", "1.0", "1e2", "true", "false", "null", "9223372036854775808", "\"\\ud800\""]);
        return new("invalid id", Request(id, "\"ping\"", null), FuzzExpectation.ReplyWithNullId, null);
    }

    private FuzzCall Batch()
    {
        var items = Enumerable.Range(0, _random.Next(4)).Select(_ => Request(NewId(), "\"ping\"", null));
        return new("batch", "[" + string.Join(",", items) + "]", FuzzExpectation.ReplyWithNullId, null);
    }

    private FuzzCall WithByteOrderMark()
    {
        var inner = _random.Next(2) == 0 ? Call("bom", "ping", null) : Call("bom", "tools/list", "{}");
        return inner with { Json = "\uFEFF" + inner.Json };
    }

    private FuzzCall NotificationPosingAsCall()
    {
        var json = _random.Next(3) switch
        {
            0 => "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"create_post\",\"arguments\":" + Object(0) + "}}",
            1 => """{"jsonrpc":"2.0","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}""",
            _ => """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{"x":[1]},"reason":"\ud800"}}""",
        };
        return new("notification as call", json, FuzzExpectation.NoReply, null);
    }

    private FuzzCall NotJsonOrNotAMessage()
    {
        var id = NewId();
        return _random.Next(8) switch
        {
            0 => new("not json", "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"pi", FuzzExpectation.ReplyWithIdOrNull, id),
            1 => new("not json", "not json at all", FuzzExpectation.ReplyWithNullId, null),
            2 => new("scalar", "42", FuzzExpectation.ReplyWithNullId, null),
            3 => new("scalar", "\"a string\"", FuzzExpectation.ReplyWithNullId, null),
            4 => new("scalar", "null", FuzzExpectation.ReplyWithNullId, null),
            5 => new("no method", $$"""{"jsonrpc":"2.0","id":{{id}}}""", FuzzExpectation.ReplyWithIdOrNull, id),
            6 => new("method type", $$"""{"jsonrpc":"2.0","id":{{id}},"method":{{Pick(["42", "{}", "null", "[\"ping\"]"])}}}""", FuzzExpectation.ReplyWithIdOrNull, id),
            _ => new("trailing garbage", Request(id, "\"ping\"", null) + "}", FuzzExpectation.ReplyWithIdOrNull, id),
        };
    }

    private FuzzCall ClientResponse() =>
        new("client response", $$"""{"jsonrpc":"2.0","id":{{NewId()}},"result":{{Object(1)}}}""", FuzzExpectation.NoReply, null);

    private FuzzCall NonFiniteOrOutOfRangeNumber()
    {
        var number = Pick(["1.0", "1e2", "9223372036854775808", "-0", "-0.0", "1E400", "-1e-400", "NaN", "Infinity", "-Infinity", "100.000", "2.5"]);
        var field = Pick(["limit", "offset", "version", "toleranceMinutes"]);
        var tool = field is "limit" or "offset" ? "list_posts" : Pick(["update_post", "publish_post", "cancel_post"]);
        var arguments = $$"""{"{{field}}":{{number}},"postId":"{{SeededGuid()}}"}""";
        if (tool == "list_posts")
            arguments = $$"""{"{{field}}":{{number}}}""";
        var call = Call("number " + number, "tools/call", $$"""{"name":"{{tool}}","arguments":{{arguments}}}""");
        // NaN and Infinity are not JSON: the line is a parse error, answered with the id when it can still be read.
        return number is "NaN" or "Infinity" or "-Infinity" ? call with { Expectation = FuzzExpectation.ReplyWithIdOrNull } : call;
    }

    private FuzzCall Huge()
    {
        var huge = new string('n', hugeChars);
        return _random.Next(4) switch
        {
            0 => Call("huge name", "tools/call", "{\"name\":\"create_post\",\"arguments\":{\"" + huge + "\":1}}"),
            1 => Call("huge value", "tools/call", "{\"name\":\"create_post\",\"arguments\":{\"content\":{\"text\":\"" + huge + "\"},\"platforms\":[\"x\"]}}"),
            2 => Call("huge tool", "tools/call", "{\"name\":\"" + huge + "\",\"arguments\":{}}"),
            _ => Call("huge method", huge, "{}"),
        };
    }

    private string Object(int depth)
    {
        var builder = new StringBuilder("{");
        var members = _random.Next(4);
        for (var i = 0; i < members; i++)
        {
            if (i > 0)
                builder.Append(',');
            builder.Append(PropertyName()).Append(':').Append(Value(depth + 1));
        }
        // Duplicate keys now and then.
        if (members > 0 && _random.Next(8) == 0)
            builder.Append(',').Append("\"postId\":1,\"postId\":2");
        return builder.Append('}').ToString();
    }

    private string PropertyName() => _random.Next(12) switch
    {
        0 => "\"\\ud800\"",
        1 => "\"name\\udfff\"",
        2 => "\"" + new string('p', _random.Next(100, 3_000)) + "\"",
        3 => "\"\"",
        _ => Quote(Pick(Names)),
    };

    private string Value(int depth)
    {
        if (depth > 3)
            return Scalar();
        return _random.Next(10) switch
        {
            0 => Object(depth),
            1 => "[" + string.Join(",", Enumerable.Range(0, _random.Next(4)).Select(_ => Value(depth + 1))) + "]",
            2 => Deep(_random.Next(2, 200)),
            _ => Scalar(),
        };
    }

    private string Deep(int levels) =>
        _random.Next(2) == 0
            ? new string('[', levels) + "1" + new string(']', levels)
            : string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels);

    private string Scalar() => _random.Next(16) switch
    {
        0 => "\"\\ud800\"",
        1 => "\"x\\udc00y\"",
        2 => "\"\\ud83d\\ude00 ok\"",
        3 => "1.0",
        4 => "1e2",
        5 => "9223372036854775808",
        6 => "-0",
        7 => "null",
        8 => "true",
        9 => "\"" + new string('s', _random.Next(1, 5_000)) + "\"",
        10 => "\"2026-12-01T09:00:00+01:00\"",
        11 => "\"" + SeededGuid() + "\"",
        12 => "[\"x\",\"linkedin\"]",
        13 => "-12345678901234567890123",
        14 => "\"x\"",
        _ => _random.Next(-5, 200).ToString(CultureInfo.InvariantCulture),
    };

    private Guid SeededGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private string Pick(string[] options) => options[_random.Next(options.Length)];
}
