using System.Collections.Concurrent;
using SocialMcp.Core.Domain;

namespace SocialMcp.Emulator;

/// <summary>What the emulator does instead of (or on top of) answering normally.</summary>
public abstract record Fault
{
    /// <summary>Only requests whose path contains this text are affected (null: any request of the platform).</summary>
    public string? PathContains { get; init; }

    /// <summary>Only requests with this HTTP method are affected (null: any method), e.g. a read of a path that also takes writes.</summary>
    public string? Method { get; init; }

    /// <summary>
    /// Waits until every fault queued before it (for the platform) has been used: "fail the reads that follow the lost
    /// create", without knowing how many reads come first.
    /// </summary>
    public bool AfterEarlierFaults { get; init; }

    /// <summary>Whether this fault applies to a request.</summary>
    public bool Matches(string method, string path) =>
        (PathContains is null || path.Contains(PathContains, StringComparison.Ordinal))
        && (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase));

    /// <summary>Answers after waiting (through the emulator's clock).</summary>
    public sealed record Latency(TimeSpan Delay) : Fault;

    /// <summary>Answers with this status, headers and body instead of handling the request.</summary>
    public sealed record Respond(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null) : Fault;

    /// <summary>Never answers: the client's timeout has to fire.</summary>
    public sealed record Hang : Fault;

    /// <summary>Handles the request for real, then drops the connection: the action happened, the client cannot know.</summary>
    public sealed record LoseResponse : Fault;
}

/// <summary>Faults queued per platform, each used once, in order — set by tests for the next calls.</summary>
public sealed class FaultPlan
{
    private readonly ConcurrentDictionary<Platform, ConcurrentQueue<Fault>> _queues = new();
    private readonly object _gate = new();

    public void Enqueue(Platform platform, Fault fault, int times = 1)
    {
        var queue = _queues.GetOrAdd(platform, _ => new ConcurrentQueue<Fault>());
        for (var i = 0; i < times; i++)
            queue.Enqueue(fault);
    }

    public void Clear(Platform platform) => _queues.TryRemove(platform, out _);

    /// <summary>
    /// Issue 15: the next call that creates a comment on the platform (a first comment, or a reply where replies are
    /// comments) answers a 5xx in the platform's own error shape, before anything is created; later calls are handled as
    /// usual. On X and Threads, where a first comment is a self-reply, it is the next <c>POST 2/tweets</c> or <c>threads_publish</c>.
    /// </summary>
    public void FailNextComment(Platform platform, int status = 503, int times = 1) => Enqueue(platform, CommentFailure(platform, status), times);

    /// <summary>The next comment-creating call is carried out, and its answer lost (the client sees the connection drop).</summary>
    public void LoseNextComment(Platform platform) => Enqueue(platform, new Fault.LoseResponse { PathContains = CommentPath(platform), Method = "POST" });

    /// <summary>What a comment-creating request's path contains on each platform (docs/platforms.md#replies-and-comments).</summary>
    public static string CommentPath(Platform platform) => platform switch
    {
        Platform.X => "/2/tweets",
        Platform.Threads => "/threads_publish",
        Platform.YouTube => "/commentThreads",
        _ => "/comments",
    };

    private static Fault.Respond CommentFailure(Platform platform, int status)
    {
        var body = platform switch
        {
            Platform.Facebook or Platform.Instagram or Platform.Threads =>
                Platforms.GraphEmulation.ErrorBody(2, "(#2) Service temporarily unavailable", isTransient: true),
            Platform.LinkedIn => """{"status":503,"code":"SERVICE_UNAVAILABLE","message":"Service temporarily unavailable"}""",
            Platform.YouTube =>
                """{"error":{"code":503,"message":"The service is currently unavailable.","errors":[{"message":"The service is currently unavailable.","domain":"global","reason":"backendError"}]}}""",
            _ => """{"title":"Service Unavailable","type":"about:blank","status":503,"detail":"Service Unavailable"}""",
        };
        return new Fault.Respond(status, body) { PathContains = CommentPath(platform), Method = "POST" };
    }

    /// <summary>Takes the first queued fault that applies to this request, if any.</summary>
    public Fault? TakeFor(Platform platform, string method, string path)
    {
        if (!_queues.TryGetValue(platform, out var queue) || queue.IsEmpty)
            return null;
        lock (_gate)
        {
            var kept = new List<Fault>();
            Fault? taken = null;
            while (queue.TryDequeue(out var fault))
            {
                if (taken is null && fault.Matches(method, path) && (!fault.AfterEarlierFaults || kept.Count == 0))
                    taken = fault;
                else
                    kept.Add(fault);
            }
            foreach (var fault in kept)
                queue.Enqueue(fault);
            return taken;
        }
    }
}
