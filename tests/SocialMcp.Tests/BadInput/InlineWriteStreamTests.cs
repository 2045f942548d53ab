using SocialMcp.Server.Mcp.BadInput;

namespace SocialMcp.Tests.BadInput;

/// <summary>stdout for the stdio transport: writes made on the caller's thread, with Stream's asynchronous contract kept.</summary>
public sealed class InlineWriteStreamTests
{
    [Fact]
    public async Task WriteAndFlush_CompleteBeforeReturning_WithTheBytesInTheInnerStream()
    {
        var inner = new MemoryStream();
        await using var stdout = new InlineWriteStream(inner);

        var write = stdout.WriteAsync("{\"jsonrpc\":\"2.0\"}\n"u8.ToArray().AsMemory());
        var flush = stdout.FlushAsync();

        Assert.True(write.IsCompletedSuccessfully);
        Assert.True(flush.IsCompletedSuccessfully);
        Assert.Equal("{\"jsonrpc\":\"2.0\"}\n", System.Text.Encoding.UTF8.GetString(inner.ToArray()));
        await write;
    }

    [Fact]
    public async Task CancelledWrite_IsACancelledTask_AndWritesNothing()
    {
        var inner = new MemoryStream();
        await using var stdout = new InlineWriteStream(inner);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var write = stdout.WriteAsync(new byte[] { 1, 2, 3 }, cancelled.Token);

        Assert.True(write.IsCanceled);
        Assert.Equal(0, inner.Length);
    }

    [Fact]
    public async Task AFailingWrite_ComesBackAsAFaultedTask_NotAnExceptionFromTheCall()
    {
        var closed = new MemoryStream();
        closed.Dispose();
        var stdout = new InlineWriteStream(closed);

        var write = stdout.WriteAsync(new byte[] { 1 });

        Assert.True(write.IsFaulted);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await write);
    }
}
