using System.Buffers;
using System.Text;
using SocialMcp.Server.Mcp.BadInput;

namespace SocialMcp.Tests.BadInput;

public sealed class InlineUploadMessageTests
{
    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>The start of a message as a transport sees it: cut inside the base64 data.</summary>
    private static ReadOnlySequence<byte> Start(string text) => Bytes(text[..(text.IndexOf("AAAA", StringComparison.Ordinal) + 2)]);

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"upload_media","arguments":{"data":"AAAAAAAA"}}}""", true)]
    [InlineData("""{"method":"tools/call","params":{"_meta":{"progressToken":1},"name":"upload_media","arguments":{"data":"AAAAAAAA"}},"id":7}""", true)]
    [InlineData("""{"params":{"name":"upload_media","arguments":{"data":"AAAAAAAA"}},"method":"tools/call","id":7}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":{"data":"AAAAAAAA"},"name":"upload_media"}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"create_post","arguments":{"text":"AAAAAAAA"}}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"name":"upload_media","pad":"AAAAAAAA"}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools\/call","params":{"name":"upload\u005fmedia","arguments":{"data":"AAAAAAAA"}}}""", true)]
    public void Sniff_RecognisesAToolsCallOfUploadMedia_FromItsStartOnly(string message, bool isUpload)
    {
        Assert.Equal(isUpload, InlineUploadMessage.Sniff(Start(message)).IsUploadMedia);
    }

    [Theory]
    [InlineData("[1,2")]
    [InlineData("not json")]
    [InlineData("")]
    public void Sniff_OfWhatIsNotAnObject_IsNotAnUpload(string start)
    {
        Assert.False(InlineUploadMessage.Sniff(Bytes(start)).IsUploadMedia);
    }

    [Fact]
    public void MaxMessageBytes_HoldsTheBase64OfTheLimit_WithRoomForEscapesAndTheEnvelope()
    {
        var bound = InlineUploadMessage.MaxMessageBytes(6 * 1024 * 1024);

        Assert.Equal(8L * 1024 * 1024 + 1024 * 1024 + InlineUploadMessage.EnvelopeAllowance, bound);
    }

    [Theory]
    [InlineData("""{"method":"tools/call","params":{"name":"upload_media","arguments":{"data":"AA+/AA","id":"inner"}},"id":42,"jsonrpc":"2.0"}""", "42")]
    [InlineData("""{"params":{"arguments":{"data":"A\"id\":9,"}},"id" : "call-\"1\"" }""", "call-\"1\"")]
    [InlineData("""{"params":[{"id":1}],"id":-3}""", "-3")]
    [InlineData("""{"params":{},"id":{"x":1}}""", null)]
    [InlineData("""{"params":{},"id":1.5}""", null)]
    [InlineData("""{"params":{}}""", null)]
    public void TopLevelIdFinder_FindsTheTopLevelId_FedInPieces(string message, string? expected)
    {
        var finder = new TopLevelIdFinder();
        var bytes = Encoding.UTF8.GetBytes(message);
        for (var i = 0; i < bytes.Length; i += 3)
            finder.Feed(bytes.AsSpan(i, Math.Min(3, bytes.Length - i)));

        Assert.Equal(expected, finder.Id.Id?.ToString());
    }
}
