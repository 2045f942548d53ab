using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Queue;
using SocialMcp.Core.Storage;
using SocialMcp.Core.Workspaces;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Queue;

/// <summary>
/// The queue against the real domain and SQLite: schedules per platform set, the next free slot taken inside the write
/// (concurrent calls never share one), the lead-time window, and the DST transitions of 2027 seen from the slot picker.
/// </summary>
public sealed class PostingQueueTests : IAsyncLifetime
{
    private const string Ws = LocalWorkspace.Id;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;

    private PostService Posts => _services.Get<PostService>();
    private PostingQueue Queue => _services.Get<PostingQueue>();

    public async Task InitializeAsync() => _services = await TestServices.CreateInitializedAsync(
        new Dictionary<string, string?> { ["Scheduling:MaxScheduledPerWorkspace"] = "1000" });

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private Task<QueueView> SetAsync(string zone, params (string Day, string Time)[] slots) =>
        Queue.SetAsync(Ws, null, zone, slots.Select(s => new SlotInput(s.Day, s.Time)).ToList(), null, Ct);

    private Task<PostDetails> CreateNextAsync(string text = "Queued") =>
        Posts.CreateAsync(Ws, Drafts.Create(text, Platform.X) with { Slot = QueueSlots.Next }, Ct);

    [Fact]
    public async Task SetThenGet_ReturnsTheScheduleAndItsNextSlotsInUtcAndLocal()
    {
        // 2026-11-22 09:00Z is a Sunday; Berlin is on +01:00.
        var set = await SetAsync("Europe/Berlin", ("monday", "09:00"), ("friday", "17:30"));

        Assert.Equal(2, set.Schedule!.Slots.Count);
        var read = await Queue.GetAsync(Ws, null, 3, Ct);
        Assert.Equal("Europe/Berlin", read.Schedule!.TimeZone);
        Assert.Equal(
            [new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 27, 16, 30, 0, TimeSpan.Zero),
             new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero)],
            read.NextSlots.Select(s => s.At));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(1)), read.NextSlots[0].Local);
        Assert.Equal(TimeSpan.FromHours(1), read.NextSlots[0].Local.Offset);
    }

    [Fact]
    public async Task CreateWithSlotNext_TakesTheEarliestFreeSlot_AndTheSchedulesZone()
    {
        await SetAsync("Europe/Berlin", ("monday", "09:00"), ("tuesday", "09:00"));

        var first = await CreateNextAsync();
        var second = await CreateNextAsync();

        Assert.Equal(PostStatus.Scheduled, first.Post.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), first.Post.ScheduledFor);
        Assert.Equal("Europe/Berlin", first.Post.TimeZone);
        Assert.Equal(DayOfWeek.Monday, first.Slot!.Slot.Day);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero), second.Post.ScheduledFor);
        // A post's own zone wins over the schedule's.
        var zoned = await Posts.CreateAsync(Ws, Drafts.Create("Own zone", Platform.X) with { Slot = QueueSlots.Next, TimeZone = "Asia/Tokyo" }, Ct);
        Assert.Equal("Asia/Tokyo", zoned.Post.TimeZone);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), zoned.Post.ScheduledFor);
    }

    [Fact]
    public async Task ConcurrentCreatesWithSlotNext_NeverShareASlot()
    {
        await SetAsync("America/New_York", ("monday", "08:30"), ("wednesday", "12:00"), ("friday", "16:00"));
        var expected = (await Queue.GetAsync(Ws, null, 12, Ct)).NextSlots.Select(s => s.At).ToList();

        var created = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => CreateNextAsync($"Post {i}"))));

        var times = created.Select(c => c.Post.ScheduledFor!.Value).OrderBy(t => t).ToList();
        Assert.Equal(12, times.Distinct().Count());
        Assert.Equal(expected, times);
        Assert.Empty((await Queue.GetAsync(Ws, null, 50, Ct)).NextSlots.Select(s => s.At).Intersect(times));
    }

    [Fact]
    public async Task SlotNext_SkipsASlotAPostWasScheduledIntoByHand_AndTheMinimumLeadTime()
    {
        await SetAsync("UTC", ("sunday", "09:00"), ("sunday", "10:00"), ("monday", "09:00"));
        // Sunday 09:00 is now (under a minute ahead): not bookable. Sunday 10:00 is held by a post scheduled by hand.
        await Posts.CreateAsync(Ws, Drafts.Create("By hand", Platform.X) with { ScheduledFor = TestServices.Start.AddHours(1) }, Ct);

        var queued = await CreateNextAsync();

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), queued.Post.ScheduledFor);
    }

    [Fact]
    public async Task ScheduleWithSlotNext_MovesADraftIntoTheQueue_AndItsOwnTimeDoesNotHoldASlotAgainstIt()
    {
        await SetAsync("Europe/Berlin", ("monday", "09:00"), ("tuesday", "09:00"));
        var draft = await Posts.CreateAsync(Ws, Drafts.Create("Draft", Platform.X), Ct);

        var scheduled = await Posts.ScheduleIntoSlotAsync(Ws, draft.Post.Id, QueueSlots.Next, draft.Post.Version, null, null, Ct);
        var again = await Posts.ScheduleIntoSlotAsync(Ws, draft.Post.Id, QueueSlots.Next, scheduled.Post.Version, null, null, Ct);

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), scheduled.Post.ScheduledFor);
        Assert.Equal("Europe/Berlin", scheduled.Post.TimeZone);
        Assert.Equal(scheduled.Post.ScheduledFor, again.Post.ScheduledFor);
        Assert.NotNull(again.Slot);
    }

    [Fact]
    public async Task SlotNext_WithoutSchedule_IsNoPostingSchedule_AndStoresNothing()
    {
        var ex = await Assert.ThrowsAsync<NotFoundException>(() => CreateNextAsync());

        Assert.Equal(ErrorCodes.NoPostingSchedule, ex.Problem.Code);
        Assert.Equal("$.slot", ex.Problem.Path);
        Assert.Contains("set_posting_schedule", ex.Problem.Hint);
        Assert.Equal(0, (await Posts.ListAsync(Ws, new PostQuery(null, null, 20, 0), Ct)).Total);
    }

    [Fact]
    public async Task SlotNext_WhenEverySlotInTheWindowIsTaken_IsNoFreeSlot()
    {
        await using var services = await TestServices.CreateInitializedAsync(
            new Dictionary<string, string?> { ["Scheduling:MaxLeadTime"] = "3.00:00:00" });
        var queue = services.Get<PostingQueue>();
        var posts = services.Get<PostService>();
        await queue.SetAsync(Ws, null, "UTC", [new SlotInput("monday", "12:00"), new SlotInput("tuesday", "12:00")], null, Ct);
        await posts.CreateAsync(Ws, Drafts.Create("1", Platform.X) with { Slot = QueueSlots.Next }, Ct);
        await posts.CreateAsync(Ws, Drafts.Create("2", Platform.X) with { Slot = QueueSlots.Next }, Ct);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => posts.CreateAsync(Ws, Drafts.Create("3", Platform.X) with { Slot = QueueSlots.Next }, Ct));

        Assert.Equal(ErrorCodes.NoFreeSlot, ex.Problem.Code);
        Assert.Equal("$.slot", ex.Problem.Path);
    }

    [Fact]
    public async Task SlotAndScheduledForTogether_AreRefusedAtSlot()
    {
        await SetAsync("UTC", ("monday", "09:00"));

        var ex = await Assert.ThrowsAsync<DomainValidationException>(() => Posts.CreateAsync(Ws,
            Drafts.Create() with { Slot = QueueSlots.Next, ScheduledFor = TestServices.Start.AddHours(2) }, Ct));

        Assert.Equal("$.slot", ex.Problem.Path);
    }

    [Theory]
    // Europe/Berlin: sunday 09:00 the day the clocks go forward is 07:00Z (the week before 08:00Z); the day they go back, 08:00Z.
    [InlineData("Europe/Berlin", "2027-03-27T12:00:00Z", "2027-03-28T07:00:00Z", "2027-04-04T07:00:00Z")]
    [InlineData("Europe/Berlin", "2027-10-30T12:00:00Z", "2027-10-31T08:00:00Z", "2027-11-07T08:00:00Z")]
    [InlineData("America/New_York", "2027-03-13T12:00:00Z", "2027-03-14T13:00:00Z", "2027-03-21T13:00:00Z")]
    [InlineData("America/New_York", "2027-11-06T12:00:00Z", "2027-11-07T14:00:00Z", "2027-11-14T14:00:00Z")]
    public async Task SlotNext_OnTheDayOfATransition_KeepsTheWallTime(string zone, string now, string first, string second)
    {
        _services.Clock.SetUtcNow(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        await SetAsync(zone, ("sunday", "09:00"));

        var a = await CreateNextAsync();
        var b = await CreateNextAsync();

        Assert.Equal(DateTimeOffset.Parse(first, System.Globalization.CultureInfo.InvariantCulture), a.Post.ScheduledFor);
        Assert.Equal(DateTimeOffset.Parse(second, System.Globalization.CultureInfo.InvariantCulture), b.Post.ScheduledFor);
        Assert.Equal(new TimeSpan(9, 0, 0), a.Slot!.Local.TimeOfDay);
        Assert.Equal(new TimeSpan(9, 0, 0), b.Slot!.Local.TimeOfDay);
    }

    [Fact]
    public async Task SlotNext_OverTheFallBackNight_TakesTheRepeatedSlotOnce()
    {
        _services.Clock.SetUtcNow(new DateTimeOffset(2027, 10, 30, 12, 0, 0, TimeSpan.Zero));
        await SetAsync("Europe/Berlin", ("sunday", "02:30"));

        var first = await CreateNextAsync();
        var second = await CreateNextAsync();

        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), first.Post.ScheduledFor); // 02:30+02:00
        Assert.Equal(new DateTimeOffset(2027, 11, 7, 1, 30, 0, TimeSpan.Zero), second.Post.ScheduledFor); // a week later, 02:30+01:00
    }

    [Fact]
    public async Task EmptySlots_RemovesTheSchedule()
    {
        await SetAsync("UTC", ("monday", "09:00"));

        var removed = await Queue.SetAsync(Ws, null, null, [], null, Ct);

        Assert.True(removed.Removed);
        Assert.Null((await Queue.GetAsync(Ws, null, null, Ct)).Schedule);
    }

    [Fact]
    public async Task SlotsWithoutTimeZone_OrABadCount_AreValidationFailedAtTheirPath()
    {
        var noZone = await Assert.ThrowsAsync<DomainValidationException>(() => Queue.SetAsync(Ws, null, null, [new SlotInput("monday", "09:00")], null, Ct));
        var badCount = await Assert.ThrowsAsync<DomainValidationException>(() => Queue.GetAsync(Ws, null, 0, Ct));

        Assert.Equal("$.timeZone", noZone.Problem.Path);
        Assert.Equal("$.count", badCount.Problem.Path);
    }

    [Fact]
    public async Task AnotherWorkspacesSet_IsPlatformSetNotFound()
    {
        var other = await _services.Get<WorkspaceService>().CreateAsync("other", Ct);
        var theirSet = await _services.Store.ReadAsync(s => s.PlatformSets.GetDefaultAsync(other.Id, Ct), Ct);

        var ex = await Assert.ThrowsAsync<NotFoundException>(() =>
            Queue.SetAsync(Ws, theirSet!.Id, "UTC", [new SlotInput("monday", "09:00")], null, Ct));

        Assert.Equal(ErrorCodes.PlatformSetNotFound, ex.Problem.Code);
        Assert.Null(await _services.Store.ReadAsync(s => s.PostingSchedules.GetAsync(other.Id, theirSet!.Id, Ct), Ct));
    }

    [Fact]
    public async Task DeletingAPlatformSet_TakesItsScheduleWithIt()
    {
        var sets = _services.Get<PlatformSetService>();
        var brand = await sets.CreateAsync(Ws, "Brand", false, Ct);
        await Queue.SetAsync(Ws, brand.Set.Id, "UTC", [new SlotInput("monday", "09:00")], null, Ct);

        await sets.DeleteAsync(Ws, brand.Set.Id, Ct);

        Assert.Null(await _services.Store.ReadAsync(s => s.PostingSchedules.GetAsync(Ws, brand.Set.Id, Ct), Ct));
    }

    [Fact]
    public async Task ListWindow_ShowsScheduledAndPublishedPostsInTimeOrder_AndTheFreeSlots()
    {
        await SetAsync("UTC", ("monday", "09:00"), ("tuesday", "09:00"), ("wednesday", "09:00"));
        var tuesday = await Posts.CreateAsync(Ws, Drafts.Create("Tuesday", Platform.X) with { ScheduledFor = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero) }, Ct);
        var monday = await Posts.CreateAsync(Ws, Drafts.Create("Monday", Platform.X) with { ScheduledFor = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero) }, Ct);
        var published = await Posts.CreateAsync(Ws, Drafts.Create("Now", Platform.X), Ct);
        await Posts.PublishAsync(Ws, published.Post.Id, null, Ct);
        await Posts.CreateAsync(Ws, Drafts.Create("Draft", Platform.X), Ct);
        var later = await Posts.CreateAsync(Ws, Drafts.Create("Later", Platform.X) with { ScheduledFor = new DateTimeOffset(2026, 12, 9, 9, 0, 0, TimeSpan.Zero) }, Ct);

        var (from, to) = (TestServices.Start.AddHours(-1), new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var page = await Posts.ListAsync(Ws, new PostQuery(null, null, 20, 0) { From = from, To = to }, Ct);
        var free = await Queue.FreeSlotsBetweenAsync(Ws, null, from, to, Ct);

        Assert.Equal([published.Post.Id, monday.Post.Id, tuesday.Post.Id], page.Posts.Select(p => p.Post.Id));
        Assert.Equal(3, page.Total);
        Assert.DoesNotContain(page.Posts, p => p.Post.Id == later.Post.Id);
        Assert.Equal([new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero)], free!.Select(s => s.At));
        // Filters and paging still apply inside the window.
        var scheduledOnly = await Posts.ListAsync(Ws, new PostQuery(PostStatus.Scheduled, null, 1, 1) { From = from, To = to }, Ct);
        Assert.Equal(2, scheduledOnly.Total);
        Assert.Equal(tuesday.Post.Id, Assert.Single(scheduledOnly.Posts).Post.Id);
    }
}
