using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Workspaces;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Publishing;

/// <summary>
/// Issue 15 against the emulator, through the real X and Threads adapters: a thread goes out part by part, each a reply to
/// the one before; a failed part is resumed by retry_post from that part with nothing posted twice; a failed first comment
/// leaves the post published and is retried alone; withdraw_post takes a thread down last part first.
/// </summary>
public sealed class ThreadLedgerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Ws = LocalWorkspace.Id;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private const string XInvalidRequest =
        """{"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}""";

    [Theory]
    [InlineData(Platform.X, 5)]
    [InlineData(Platform.Threads, 3)]
    public async Task Publish_Thread_EachPartRepliesToThePartBeforeInOrder(Platform platform, int parts)
    {
        await using var h = await EmulatedPublishing.StartAsync([platform]);
        var post = await CreateThreadAsync(h, platform, parts, "Launch");

        var done = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);

        Assert.Equal(PostStatus.Published, done.Post.Status);
        var target = Assert.Single(done.Targets);
        Assert.Equal(TargetStatus.Published, target.Status);
        var ids = ChainOf(target);
        Assert.Equal(parts, ids.Count);
        Assert.All(target.Steps, s => Assert.Equal(TargetStatus.Published, s.Status));
        Assert.Equal(Enumerable.Range(1, parts - 1), target.Steps.Select(s => s.Index));
        // The platform holds one chain, head first, in the parts' order, each part with its own text.
        Assert.Equal(ids, h.Emulator.State.ReplyChain(platform, ids[^1]));
        Assert.Null(h.Emulator.State.ParentOf(platform, ids[0]));
        Assert.Equal(parts, h.Emulator.State.LivePosts(platform));
        var texts = h.Services.Sandbox.Deliveries.Where(d => d.PostId == post.Post.Id).Select(d => d.Text).ToList();
        Assert.Equal(Enumerable.Range(0, parts).Select(i => PartText("Launch", i, parts)), texts);
        // get_post shows each part's id.
        var read = await h.GetAsync(post.Post.Id);
        Assert.Equal(target.Steps.Select(s => s.PlatformPostId), Assert.Single(read.Targets).Steps.Select(s => s.PlatformPostId));
        Assert.Equal(parts - 1, (await h.EventsOfAsync(post.Post.Id, "target_part_published")).Count(e => !e.Detail!.StartsWith("part=0", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Publish_PartThreeFails_TargetFailsNamingThePartAndRetryResumesThereWithNoDuplicate()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var post = await CreateThreadAsync(h, Platform.X, 5, "Resume");
        FailCreate(h, Platform.X, "2/tweets", nth: 4); // thread[3], the fourth create

        var failed = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);

        // Partly out: the target failed, but its first three parts are live, so the post is partial, not failed.
        Assert.Equal(PostStatus.Partial, failed.Post.Status);
        var target = Assert.Single(failed.Targets);
        Assert.Equal(TargetStatus.Failed, target.Status);
        Assert.Contains("thread[3] (part 4 of 5)", target.ErrorMessage);
        // Part 0 is live: its id stays on the target.
        Assert.NotNull(target.PlatformPostId);
        Assert.Equal([TargetStatus.Published, TargetStatus.Published, TargetStatus.Failed], target.Steps.Select(s => s.Status));
        Assert.Equal(3, h.Emulator.State.LivePosts(Platform.X));

        var retried = await h.Posts.RetryAsync(Ws, post.Post.Id, null, null, Ct).WaitAsync(Patience);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        var after = Assert.Single(retried.Targets);
        Assert.Equal(target.PlatformPostId, after.PlatformPostId);
        var ids = ChainOf(after);
        Assert.Equal(ids, h.Emulator.State.ReplyChain(Platform.X, ids[^1]));
        // Five posts went live in all, each part once: the retry started at thread[3].
        Assert.Equal(5, h.Emulator.State.LivePosts(Platform.X));
        Assert.Equal(5, h.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(target.Steps.Take(2).Select(s => s.PlatformPostId), after.Steps.Take(2).Select(s => s.PlatformPostId));
        Assert.Equal(2, after.Steps.Single(s => s.Index == 3).AttemptCount);
    }

    [Fact]
    public async Task Update_ThreadStoppedAtPartFour_LivePartsAreLockedAndTheRestIsEditedBeforeTheRetry()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var post = await CreateThreadAsync(h, Platform.X, 5, "Edit");
        FailCreate(h, Platform.X, "2/tweets", nth: 4); // thread[3]
        var failed = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);
        var parts = failed.Post.Content.Thread!;

        // thread[1] is live on X: changing it is refused at its path, and nothing is stored.
        var livePartChanged = failed.Post.Content with { Thread = [parts[0], parts[1] with { Text = "Rewritten" }, parts[2], parts[3], parts[4]] };
        var refused = await Assert.ThrowsAsync<ConflictException>(() => h.Posts.UpdateAsync(Ws,
            new UpdatePostCommand { PostId = post.Post.Id, Version = failed.Post.Version, Content = livePartChanged }, Ct));
        Assert.Equal((ErrorCodes.TargetNotEditable, "$.content.thread[1]"), (refused.Problem.Code, refused.Problem.Path));
        Assert.Equal(failed.Post.Version, (await h.GetAsync(post.Post.Id)).Post.Version);

        // thread[3] failed and thread[4] never went: both may change, and the retry sends the new texts from thread[3] on.
        var fixedRest = failed.Post.Content with { Thread = [parts[0], parts[1], parts[2], parts[3] with { Text = "Fixed part 4" }, parts[4]] };
        var edited = await h.Posts.UpdateAsync(Ws,
            new UpdatePostCommand { PostId = post.Post.Id, Version = failed.Post.Version, Content = fixedRest }, Ct);
        var retried = await h.Posts.RetryAsync(Ws, post.Post.Id, null, edited.Post.Version, Ct).WaitAsync(Patience);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        Assert.Equal(5, h.Emulator.State.Calls(Platform.X, "tweets.create"));
        var texts = h.Services.Sandbox.Deliveries.Where(d => d.PostId == post.Post.Id).Select(d => d.Text).ToList();
        Assert.Equal([PartText("Edit", 0, 5), PartText("Edit", 1, 5), PartText("Edit", 2, 5), "Fixed part 4", PartText("Edit", 4, 5)], texts);
    }

    [Fact]
    public async Task Publish_FirstCommentFails_PostStaysPublishedAndRetrySendsTheCommentAlone()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var content = Drafts.Text("Our launch post") with { FirstComment = new FirstComment("Links and hashtags go here") };
        var post = await h.Posts.CreateAsync(Ws, new CreatePostCommand { Content = content, Platforms = [Platform.X] }, Ct);
        FailCreate(h, Platform.X, "2/tweets", nth: 2); // the comment, after the post

        var published = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);

        Assert.Equal(PostStatus.Published, published.Post.Status);
        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Published, target.Status);
        Assert.Contains("first comment", target.ErrorMessage);
        var comment = Assert.Single(target.Steps);
        Assert.Equal(TargetStepKind.Comment, comment.Kind);
        Assert.Equal(TargetStatus.Failed, comment.Status);
        Assert.NotNull(comment.ErrorCode);

        var retried = await h.Posts.RetryAsync(Ws, post.Post.Id, null, null, Ct).WaitAsync(Patience);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        var after = Assert.Single(retried.Targets);
        Assert.Equal(TargetStatus.Published, after.Status);
        Assert.Null(after.ErrorCode);
        Assert.Equal(target.PlatformPostId, after.PlatformPostId);
        Assert.Equal(target.AttemptId, after.AttemptId);
        var sent = Assert.Single(after.Steps);
        Assert.Equal(TargetStatus.Published, sent.Status);
        // The post went out once; the comment is a self-reply to it.
        Assert.Equal(2, h.Emulator.State.Calls(Platform.X, "tweets.create"));
        Assert.Equal(EmulatorId(target.PlatformPostId!), h.Emulator.State.ParentOf(Platform.X, EmulatorId(sent.PlatformPostId!)));
        Assert.Single(await h.EventsOfAsync(post.Post.Id, "target_publishing"));
        Assert.Single(await h.EventsOfAsync(post.Post.Id, "target_comment_published"));
    }

    [Fact]
    public async Task Withdraw_ThreadWithFirstComment_RemovesTheCommentThenEveryPartLastFirst()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var post = await CreateThreadAsync(h, Platform.X, 4, "Down", new FirstComment("A self-reply"));
        var published = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);
        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Published, target.Status);
        var deleted = new ConcurrentQueue<string>();
        h.Emulator.Observer.RequestReceived += r =>
        {
            if (r.Platform == Platform.X && r.Method == "DELETE")
                deleted.Enqueue(r.Path["2/tweets/".Length..]);
        };

        var withdrawn = await h.Posts.WithdrawAsync(Ws, post.Post.Id, null, null, Ct).WaitAsync(Patience);

        Assert.True(Assert.Single(withdrawn.Outcomes).Succeeded);
        Assert.Equal(PostStatus.Withdrawn, withdrawn.Post.Post.Status);
        var comment = target.Steps.Single(s => s.Kind == TargetStepKind.Comment);
        var expected = new[] { comment.PlatformPostId! }
            .Concat(target.Steps.Where(s => s.Kind == TargetStepKind.Part).OrderByDescending(s => s.Index).Select(s => s.PlatformPostId!))
            .Append(target.PlatformPostId!)
            .Select(EmulatorId);
        Assert.Equal(expected, deleted);
        var after = Assert.Single((await h.GetAsync(post.Post.Id)).Targets);
        Assert.Equal(TargetStatus.Withdrawn, after.Status);
        Assert.All(after.Steps, s => Assert.Equal(TargetStatus.Withdrawn, s.Status));
    }

    [Fact]
    public async Task Withdraw_ThreadStoppedPartWay_TakesItsLivePartsDownLastFirst()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var post = await CreateThreadAsync(h, Platform.X, 4, "Halfway");
        FailCreate(h, Platform.X, "2/tweets", nth: 3); // thread[2]: the head and thread[1] are live
        var partial = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);
        Assert.Equal(PostStatus.Partial, partial.Post.Status);
        var target = Assert.Single(partial.Targets);
        var deleted = new ConcurrentQueue<string>();
        h.Emulator.Observer.RequestReceived += r =>
        {
            if (r.Platform == Platform.X && r.Method == "DELETE")
                deleted.Enqueue(r.Path["2/tweets/".Length..]);
        };

        var withdrawn = await h.Posts.WithdrawAsync(Ws, post.Post.Id, null, null, Ct).WaitAsync(Patience);

        Assert.True(Assert.Single(withdrawn.Outcomes).Succeeded);
        Assert.Equal(PostStatus.Withdrawn, withdrawn.Post.Post.Status);
        Assert.Equal(new[] { target.Steps.Single(s => s.Index == 1).PlatformPostId!, target.PlatformPostId! }.Select(EmulatorId), deleted);
        var after = Assert.Single(withdrawn.Post.Targets);
        Assert.Equal(TargetStatus.Withdrawn, after.Status);
        Assert.Equal(TargetStatus.Withdrawn, after.Steps.Single(s => s.Index == 1).Status);
    }

    [Fact]
    public async Task Withdraw_APartWillNotComeDown_TargetStaysLiveAndTheFailureNamesThePart()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var post = await CreateThreadAsync(h, Platform.X, 3, "Stuck");
        await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);
        h.Emulator.Faults.Enqueue(Platform.X, new Fault.Respond(400, XInvalidRequest) { Method = "DELETE", PathContains = "2/tweets/" }, times: 4);

        var withdrawn = await h.Posts.WithdrawAsync(Ws, post.Post.Id, null, null, Ct).WaitAsync(Patience);

        var outcome = Assert.Single(withdrawn.Outcomes);
        Assert.False(outcome.Succeeded);
        Assert.Contains("thread[2]", outcome.ErrorMessage);
        Assert.Equal(PostStatus.Published, withdrawn.Post.Post.Status);
        var target = Assert.Single(withdrawn.Post.Targets);
        Assert.Equal(TargetStatus.Published, target.Status);
        Assert.All(target.Steps, s => Assert.Equal(TargetStatus.Published, s.Status));
    }

    [Fact]
    public async Task Recover_TargetWentLiveButItsFirstCommentDidNot_RecoverySendsTheCommentAlone()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X]);
        var content = Drafts.Text("Live before the crash") with { FirstComment = new FirstComment("The comment the crash cut off") };
        var post = await h.Posts.CreateAsync(Ws, new CreatePostCommand { Content = content, Platforms = [Platform.X] }, Ct);
        var headId = await TweetDirectlyAsync(h, "Live before the crash");
        var started = h.Clock.GetUtcNow();
        h.Clock.Advance(TimeSpan.FromMinutes(10)); // the crashed publisher's lease (5 minutes) ran out
        var now = h.Clock.GetUtcNow();
        // The stopped publisher had recorded the target published, and stopped before its first comment.
        await h.Services.Store.WriteAsync(async s =>
        {
            Assert.True(await s.Posts.UpdateAsync(post.Post with { Status = PostStatus.Publishing, Version = 2, UpdatedAt = started }, 1, Ct));
            var target = Assert.Single(post.Targets);
            await s.Targets.UpdateAsync(target with
            {
                Status = TargetStatus.Published, PlatformPostId = headId, AttemptCount = 1, AttemptId = "before-crash", PublishedAt = started, UpdatedAt = started,
            }, Ct);
            Assert.True(await s.Posts.TakeLeaseAsync(post.Post.Id, "crashed-host/1/abc", started.AddMinutes(5), Ct));
            return 0;
        }, Ct);
        var claimed = await h.Services.Store.WriteAsync(async s => (await s.Posts.ClaimOrphanedPublishingAsync("recoverer", now, now.AddMinutes(5), [], 1, Ct)).FirstOrDefault(), Ct);
        Assert.Equal(post.Post.Id, claimed?.PostId);

        var recovered = await h.Posts.RecoverAsync(Ws, post.Post.Id, "recoverer", Ct).WaitAsync(Patience);

        Assert.NotNull(recovered);
        Assert.Equal(PostStatus.Published, recovered.Post.Status);
        var after = Assert.Single(recovered.Targets);
        Assert.Equal(headId, after.PlatformPostId);
        var comment = Assert.Single(after.Steps);
        Assert.Equal(TargetStatus.Published, comment.Status);
        Assert.Equal(headId, h.Emulator.State.ParentOf(Platform.X, EmulatorId(comment.PlatformPostId!)));
        Assert.Equal(2, h.Emulator.State.Calls(Platform.X, "tweets.create")); // the head (before the crash) and the comment
        Assert.Single(await h.EventsOfAsync(post.Post.Id, "target_comment_recovering"));
    }

    [Fact]
    public async Task Publish_AllOrNothingThreadStopsPartWay_ItsLivePartsComeDownWithTheOthersAndRetryPutsEverythingUp()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.X, Platform.Threads]);
        var post = await CreateThreadAsync(h, Platform.X, 3, "Together", platforms: [Platform.X, Platform.Threads]);
        await LimitWaitTests.SetAsync(h.Services, post.Post.Id, p => p with { Policy = PublishPolicy.AllOrNothing });
        FailCreate(h, Platform.X, "2/tweets", nth: 3); // x's thread[2]
        var deleted = new ConcurrentQueue<string>();
        h.Emulator.Observer.RequestReceived += r =>
        {
            if (r.Platform == Platform.X && r.Method == "DELETE")
                deleted.Enqueue(r.Path["2/tweets/".Length..]);
        };

        var failed = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);

        Assert.Equal(PostStatus.Failed, failed.Post.Status);
        var x = failed.Targets.Single(t => t.Platform == Platform.X);
        Assert.Equal(TargetStatus.Withdrawn, x.Status);
        // x's two live parts came down, the later first; threads' whole thread came down too.
        Assert.Equal(new[] { x.Steps.Single(s => s.Index == 1).PlatformPostId!, x.PlatformPostId! }.Select(EmulatorId), deleted);
        Assert.Equal(TargetStatus.Withdrawn, x.Steps.Single(s => s.Index == 1).Status);
        var threads = failed.Targets.Single(t => t.Platform == Platform.Threads);
        Assert.Equal(TargetStatus.Withdrawn, threads.Status);
        Assert.All(threads.Steps, s => Assert.Equal(TargetStatus.Withdrawn, s.Status));
        Assert.All(failed.Rollback!, r => Assert.True(r.Withdrawn, $"{r.Platform}: {r.ErrorCode} {r.Message}"));

        var retried = await h.Posts.RetryAsync(Ws, post.Post.Id, null, null, Ct).WaitAsync(Patience);

        Assert.Equal(PostStatus.Published, retried.Post.Status);
        foreach (var target in retried.Targets)
        {
            var ids = ChainOf(target);
            Assert.Equal(3, ids.Count);
            Assert.Equal(ids, h.Emulator.State.ReplyChain(target.Platform, ids[^1]));
        }
    }

    [Fact]
    public async Task Publish_FacebookFirstCommentFails_RetriedAloneAndWithdrawnWithItsPost()
    {
        await using var h = await EmulatedPublishing.StartAsync([Platform.Facebook]);
        var content = Drafts.Text("A page post") with { FirstComment = new FirstComment("More in the comments") };
        var post = await h.Posts.CreateAsync(Ws, new CreatePostCommand { Content = content, Platforms = [Platform.Facebook] }, Ct);
        h.Emulator.Faults.FailNextComment(Platform.Facebook, status: 400, times: 10);

        var published = await h.Posts.PublishAsync(Ws, post.Post.Id, null, Ct).WaitAsync(Patience);

        Assert.Equal(PostStatus.Published, published.Post.Status);
        var target = Assert.Single(published.Targets);
        Assert.Equal(TargetStatus.Published, target.Status);
        Assert.Equal(TargetStatus.Failed, Assert.Single(target.Steps).Status);
        h.Emulator.Faults.Clear(Platform.Facebook);

        var retried = await h.Posts.RetryAsync(Ws, post.Post.Id, null, null, Ct).WaitAsync(Patience);

        var after = Assert.Single(retried.Targets);
        var comment = Assert.Single(after.Steps);
        Assert.Equal(TargetStatus.Published, comment.Status);
        Assert.Equal(1, h.Emulator.State.Calls(Platform.Facebook, "feed.create"));
        Assert.Single(h.Emulator.State.CommentsCreatedOn(Platform.Facebook, EmulatorId(after.PlatformPostId!)));

        var withdrawn = await h.Posts.WithdrawAsync(Ws, post.Post.Id, null, null, Ct).WaitAsync(Patience);

        // The comment went with its post: one delete, and the comment is marked withdrawn.
        Assert.True(Assert.Single(withdrawn.Outcomes).Succeeded);
        Assert.Equal(1, h.Emulator.State.Calls(Platform.Facebook, "delete"));
        Assert.Equal(0, h.Emulator.State.Calls(Platform.Facebook, "comments.delete"));
        Assert.Equal(TargetStatus.Withdrawn, Assert.Single(Assert.Single(withdrawn.Post.Targets).Steps).Status);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------------

    internal static string PartText(string topic, int index, int parts) => $"{topic} {index + 1}/{parts}: part {index + 1} of the thread.";

    private static Task<PostDetails> CreateThreadAsync(
        EmulatedPublishing h, Platform platform, int parts, string topic, FirstComment? comment = null, Platform[]? platforms = null)
    {
        var none = new Dictionary<Platform, PlatformOverride>();
        var thread = Enumerable.Range(0, parts).Select(i => new ThreadPart(PartText(topic, i, parts), [], none)).ToList();
        var content = new PostContent(thread[0].Text, [], null, none) { Thread = thread, FirstComment = comment };
        return h.Posts.CreateAsync(Ws, new CreatePostCommand { Content = content, Platforms = platforms ?? [platform] }, Ct);
    }

    /// <summary>The emulator's ids of a published thread target, head first.</summary>
    private static List<string> ChainOf(PostTarget target) =>
        new[] { target.PlatformPostId! }
            .Concat(target.Steps.Where(s => s.Kind == TargetStepKind.Part).OrderBy(s => s.Index).Select(s => s.PlatformPostId!))
            .Select(EmulatorId)
            .ToList();

    /// <summary>What the stopped publisher's create did on X, made with the sandbox account's own token.</summary>
    private static async Task<string> TweetDirectlyAsync(EmulatedPublishing h, string text)
    {
        using var client = new HttpClient { BaseAddress = h.Emulator.BaseUrlOf(Platform.X) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await h.SandboxTokenAsync(Platform.X));
        using var response = await client.PostAsJsonAsync("2/tweets", new { text });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("data").GetProperty("id").GetString()!;
    }

    private static string EmulatorId(string sandboxId) => SandboxPostIds.EmulatorIdOf(sandboxId);

    /// <summary>The <paramref name="nth"/> creating POST to a path ending in <paramref name="pathEnd"/> is refused with a 400.</summary>
    private static void FailCreate(EmulatedPublishing h, Platform platform, string pathEnd, int nth)
    {
        var seen = 0;
        h.Emulator.Observer.RequestReceived += r =>
        {
            // Seen before the fault filter runs, so the fault queued here answers this very request.
            if (r.Platform == platform && r.Method == "POST" && r.Path.EndsWith(pathEnd, StringComparison.Ordinal) && Interlocked.Increment(ref seen) == nth)
                h.Emulator.Faults.Enqueue(platform, new Fault.Respond(400, XInvalidRequest) { Method = "POST", PathContains = pathEnd });
        };
    }
}
