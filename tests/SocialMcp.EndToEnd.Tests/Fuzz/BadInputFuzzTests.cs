using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace SocialMcp.EndToEnd.Tests.Fuzz;

/// <summary>
/// Seeded fuzz of the real server process over stdio and over <c>serve --http</c>. SOCIALMCP_FUZZ_SEED sets the seed
/// (default 20261203), SOCIALMCP_FUZZ_CALLS the total number of calls (default 10,000: 60 % stdio, 40 % HTTP), so a
/// failure is replayed by running with the seed it printed. Asserts: no -32603 or INTERNAL_ERROR, every call answered
/// as JSON-RPC says (see <see cref="FuzzExpectation"/>), every tool error with a code and a path, every error reply at
/// most 16 KB, and a bounded peak resident set after 16 ~1 MB calls at once.
/// </summary>
public sealed class BadInputFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261203;
    private const int DefaultCalls = 10_000;
    private const int HugeBurst = 16;

    /// <summary>Generous: the same burst took an unguarded stdio server to 4.81 GB and an HTTP one to 853 MB.</summary>
    private const double MaxPeakResidentMegabytes = 768;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("SOCIALMCP_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    private static int TotalCalls => int.TryParse(Environment.GetEnvironmentVariable("SOCIALMCP_FUZZ_CALLS"), CultureInfo.InvariantCulture, out var calls) ? calls : DefaultCalls;

    [Fact]
    public async Task StdioServer_FuzzedWithBadInput_AnswersEveryCallWithoutInternalErrorsWithinBounds()
    {
        var calls = TotalCalls * 6 / 10;
        var replies = new FuzzReplies();
        await using var server = await FuzzServer.StartStdioAsync();
        var fuzzer = new StdioFuzzer(server, replies);
        var clock = Stopwatch.StartNew();

        await fuzzer.InitializeAsync();
        // Calls answered with their own id go in flight together (as a busy client sends them); the others one at a time,
        // since an id-null answer or no answer can only be told apart when nothing else is pending.
        var inFlight = new List<FuzzCall>();
        foreach (var call in new FuzzCorpus(Seed).Calls(calls))
        {
            if (call.Expectation == FuzzExpectation.ReplyWithId && inFlight.Count < 32)
            {
                inFlight.Add(call);
                continue;
            }
            await fuzzer.RunPipelinedAsync(inFlight);
            inFlight.Clear();
            if (call.Expectation == FuzzExpectation.ReplyWithId)
                inFlight.Add(call);
            else
                await fuzzer.RunAsync(call);
        }
        await fuzzer.RunPipelinedAsync(inFlight);
        await fuzzer.RunPipelinedAsync(HugeCalls(Seed));
        var peak = server.PeakResidentMegabytes();

        Report("stdio", fuzzer.Sent, fuzzer.Unanswered, replies, peak, clock.Elapsed);
        Assert.False(server.HasExited, "the server exited during the fuzz");
        AssertClean(replies, fuzzer.Unanswered, peak);
    }

    [Fact]
    public async Task HttpServer_FuzzedWithBadInput_AnswersEveryCallWithoutInternalErrorsWithinBounds()
    {
        var calls = TotalCalls - TotalCalls * 6 / 10;
        var replies = new FuzzReplies();
        await using var server = await FuzzServer.StartHttpAsync();
        using var fuzzer = new HttpFuzzer(server, replies);
        var clock = Stopwatch.StartNew();

        // A different stream of calls from the stdio test's, from the same seed.
        await Parallel.ForEachAsync(new FuzzCorpus(Seed + 1).Calls(calls), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (call, _) => await fuzzer.RunAsync(call));
        // Under the 1 MiB body limit, so each reaches the MCP server.
        await Task.WhenAll(HugeCalls(Seed, hugeChars: 1_000_000).Select(fuzzer.RunAsync));
        var peak = server.PeakResidentMegabytes();

        Report("HTTP", fuzzer.Sent, fuzzer.Unanswered, replies, peak, clock.Elapsed);
        AssertClean(replies, fuzzer.Unanswered, peak);
    }

    /// <summary>Tool calls whose one argument has a ~1 MB property name: each used to be echoed in full, several times.</summary>
    private static List<FuzzCall> HugeCalls(int seed, int hugeChars = 1_048_576)
    {
        var name = new string('h', hugeChars);
        return Enumerable.Range(1, HugeBurst).Select(i => new FuzzCall("huge burst",
            $"{{\"jsonrpc\":\"2.0\",\"id\":\"huge-{seed}-{i}\",\"method\":\"tools/call\",\"params\":{{\"name\":\"create_post\",\"arguments\":{{\"{name}\":{i}}}}}}}",
            FuzzExpectation.ReplyWithId, $"\"huge-{seed}-{i}\"")).ToList();
    }

    private void Report(string transport, int sent, int unanswered, FuzzReplies replies, double peak, TimeSpan elapsed)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{transport}: seed {Seed}, {sent} calls in {elapsed.TotalSeconds:F1} s; {replies.Replies} replies ({replies.JsonRpcErrors} JSON-RPC errors, {replies.ToolErrors} tool errors), {unanswered} unanswered, {replies.InternalErrors} internal errors; largest error reply {replies.LargestErrorReplyBytes} bytes; peak RSS (VmHWM) {peak:F0} MB"));
        foreach (var failure in replies.Failures.Take(40))
            output.WriteLine("  " + failure);
    }

    private static void AssertClean(FuzzReplies replies, int unanswered, double peak)
    {
        Assert.True(replies.Failures.Count == 0, $"{replies.Failures.Count} failures, first: {replies.Failures.FirstOrDefault()}");
        Assert.Equal(0, replies.InternalErrors);
        Assert.Equal(0, unanswered);
        Assert.InRange(replies.LargestErrorReplyBytes, 0, FuzzReplies.MaxErrorReplyBytes);
        Assert.InRange(peak, 0, MaxPeakResidentMegabytes);
    }
}
