using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using SocialMcp.Server.Mcp.BadInput;

namespace SocialMcp.Tests.BadInput;

public sealed class JsonRpcLineTests
{
    private static JsonRpcLineVerdict Read(string line) => JsonRpcLine.Read(Encoding.UTF8.GetBytes(line));

    private static (string Id, int Code, string? Path) ReplyOf(JsonRpcLineVerdict verdict)
    {
        var reply = Assert.IsType<JsonRpcError>(verdict.Reply);
        Assert.Null(verdict.Message);
        var path = reply.Error.Data is JsonElement { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("path", out var p) ? p.GetString() : null;
        return (reply.Id.ToString(), reply.Error.Code, path);
    }

    [Fact]
    public void Read_LineWithByteOrderMark_IsTheMessage()
    {
        var verdict = Read("\uFEFF{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}");

        var request = Assert.IsType<JsonRpcRequest>(verdict.Message);
        Assert.Equal("ping", request.Method);
        Assert.Null(verdict.Reply);
    }

    [Theory]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]""")]
    [InlineData("[]")]
    [InlineData("""{"jsonrpc":"2.0","id":{},"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1.5,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":true,"method":"ping"}""")]
    [InlineData("42")]
    public void Read_BatchInvalidIdOrScalar_IsInvalidRequestWithIdNull(string line)
    {
        var (id, code, _) = ReplyOf(Read(line));

        Assert.Equal(-32600, code);
        Assert.Equal("", id);
    }

    [Fact]
    public void Read_LoneSurrogateInAParamsName_IsInvalidParamsWithIdAndPath()
    {
        var (id, code, path) = ReplyOf(Read("""{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"x","arguments":{"ok":{"\ud800":1}}}}"""));

        Assert.Equal("a", id);
        Assert.Equal(-32602, code);
        Assert.Equal("$.params.arguments.ok", path);
    }

    [Fact]
    public void Read_NestingPastTheSdkDepth_IsInvalidRequestWithId()
    {
        var deep = new string('[', 100) + new string(']', 100);

        var (id, code, _) = ReplyOf(Read("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":{\"a\":" + deep + "}}}"));

        Assert.Equal("3", id);
        Assert.Equal(-32600, code);
    }

    [Fact]
    public void Read_NotJsonButIdReadable_IsParseErrorWithId()
    {
        var (id, code, _) = ReplyOf(Read("""{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"n":NaN}}"""));

        Assert.Equal("9", id);
        Assert.Equal(-32700, code);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"\ud800":1}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":4,"result":{"\ud800":1}}""")]
    [InlineData("   ")]
    public void Read_BrokenNotificationResponseOrBlank_IsNotAnswered(string line)
    {
        var verdict = Read(line);

        Assert.Null(verdict.Message);
        Assert.Null(verdict.Reply);
    }
}
