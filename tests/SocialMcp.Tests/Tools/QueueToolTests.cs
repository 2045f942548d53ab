using System.Text.Json;
using ModelContextProtocol.Client;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Tools;

/// <summary>
/// The queue and local times through the MCP tools in process (JSON-RPC, schema check, call filter, tool, domain, SQLite):
/// set_posting_schedule and get_posting_schedule, slot "next" on create_post and schedule_post, list_posts' calendar
/// window with its free slots, and local times plus timeZone on every tool that takes a time.
/// </summary>
public sealed class QueueToolTests : IAsyncLifetime
{
    private InProcessMcpServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessMcpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> OkAsync(string tool, string arguments) => (await _server.CallOkAsync(tool, arguments)).StructuredContent!.Value;

    private async Task<JsonElement> FailingAsync(string tool, string arguments, string code, string path)
    {
        var parsed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var result = await _server.Client.CallToolAsync(tool, parsed);
        Assert.True(result.IsError, $"{tool} succeeded: {result.StructuredContent}");
        var error = result.StructuredContent!.Value.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(path, error.GetProperty("path").GetString());
        return error;
    }

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

    private const string BerlinWeek = """
        {"timeZone": "Europe/Berlin", "slots": [{"day": "monday", "time": "09:00"}, {"day": "sunday", "time": "09:00"}]}
        """;

    [Fact]
    public async Task SetAndGetPostingSchedule_ReturnTheSlotsAndTheNextFreeOnesInUtcAndLocal()
    {
        // The clock: Saturday 2027-03-27 12:00Z, the day before Berlin's clocks go forward.
        _server.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 27, 12, 0, 0, TimeSpan.Zero));

        var set = await OkAsync("set_posting_schedule", BerlinWeek);
        var read = await OkAsync("get_posting_schedule", """{"count": 3}""");

        Assert.Equal("Europe/Berlin", set.GetProperty("timeZone").GetString());
        Assert.Equal(["monday", "sunday"], read.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("day").GetString()));
        var next = read.GetProperty("nextSlots").EnumerateArray().ToList();
        Assert.Equal(["2027-03-28T07:00:00Z", "2027-03-29T07:00:00Z", "2027-04-04T07:00:00Z"],
            next.Select(s => s.GetProperty("scheduledFor").GetDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        Assert.Equal("2027-03-28T09:00:00+02:00", next[0].GetProperty("scheduledForLocal").GetString());
        Assert.Contains("next free: sunday 09:00 Europe/Berlin", read.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task CreateAndScheduleWithSlotNext_TakeSuccessiveSlots_AndSayWhichInTheResult()
    {
        await OkAsync("set_posting_schedule", BerlinWeek);

        var created = await OkAsync("create_post", """{"content": {"text": "Queued"}, "platforms": ["x"], "slot": "next"}""");
        var draft = await OkAsync("create_post", """{"content": {"text": "Draft"}, "platforms": ["x"]}""");
        var scheduled = await OkAsync("schedule_post", $$"""{"postId": "{{draft.GetProperty("id").GetString()}}", "slot": "next"}""");

        // Now is Sunday 2026-11-22 09:00Z (10:00 in Berlin): Sunday's slot has passed; Monday 09:00 (+01:00) is next.
        Assert.Equal("scheduled", created.GetProperty("status").GetString());
        Assert.Equal(At("2026-11-23T08:00:00Z"), created.GetProperty("scheduledFor").GetDateTimeOffset());
        Assert.Equal("Europe/Berlin", created.GetProperty("timeZone").GetString());
        Assert.Equal("2026-11-23T09:00:00+01:00", created.GetProperty("scheduledForLocal").GetString());
        var slot = created.GetProperty("slot");
        Assert.Equal(("monday", "09:00", "Europe/Berlin"), (slot.GetProperty("day").GetString(), slot.GetProperty("time").GetString(), slot.GetProperty("timeZone").GetString()));
        Assert.Contains("Took the queue slot monday 09:00 Europe/Berlin", created.GetProperty("summary").GetString());
        Assert.Equal(At("2026-11-29T08:00:00Z"), scheduled.GetProperty("scheduledFor").GetDateTimeOffset());
        Assert.Equal("sunday", scheduled.GetProperty("slot").GetProperty("day").GetString());
        Assert.False((await OkAsync("get_post", $$"""{"postId": "{{draft.GetProperty("id").GetString()}}"}""")).TryGetProperty("slot", out _));
    }

    [Fact]
    public async Task ConcurrentCreatePostsWithSlotNext_OverMcp_EachTakeADifferentSlot()
    {
        await OkAsync("set_posting_schedule", BerlinWeek);
        var expected = (await OkAsync("get_posting_schedule", """{"count": 6}""")).GetProperty("nextSlots").EnumerateArray()
            .Select(s => s.GetProperty("scheduledFor").GetDateTimeOffset()).ToList();

        var created = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            OkAsync("create_post", $$"""{"content": {"text": "Queued {{i}}"}, "platforms": ["x"], "slot": "next"}""")));

        var taken = created.Select(c => c.GetProperty("scheduledFor").GetDateTimeOffset()).Order().ToList();
        Assert.Equal(expected, taken);
    }

    [Fact]
    public async Task SlotNext_WithoutASchedule_IsNoPostingSchedule_WithAHint()
    {
        var error = await FailingAsync("create_post", """{"content": {"text": "Queued"}, "platforms": ["x"], "slot": "next"}""", "NO_POSTING_SCHEDULE", "$.slot");

        Assert.Contains("set_posting_schedule", error.GetProperty("hint").GetString());
        Assert.Equal(0, (await OkAsync("list_posts", "{}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task SchedulePost_NeedsExactlyOneOfScheduledForAndSlot()
    {
        await OkAsync("set_posting_schedule", BerlinWeek);
        var id = (await OkAsync("create_post", """{"content": {"text": "Draft"}, "platforms": ["x"]}""")).GetProperty("id").GetString();

        await FailingAsync("schedule_post", $$"""{"postId": "{{id}}"}""", "VALIDATION_FAILED", "$.scheduledFor");
        await FailingAsync("schedule_post", $$"""{"postId": "{{id}}", "slot": "next", "scheduledFor": "2026-11-23T09:00:00Z"}""", "VALIDATION_FAILED", "$.slot");
        await FailingAsync("schedule_post", $$"""{"postId": "{{id}}", "slot": "last"}""", "VALIDATION_FAILED", "$.slot");
        Assert.Equal("draft", (await OkAsync("get_post", $$"""{"postId": "{{id}}"}""")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"timeZone": "Mars/Olympus", "slots": [{"day": "monday", "time": "09:00"}]}""", "$.timeZone", "IANA")]
    [InlineData("""{"timeZone": "Europe/Berlin", "slots": [{"day": "monday", "time": "09:00"}, {"day": "mon", "time": "09:00"}]}""", "$.slots[1].day", "monday")]
    [InlineData("""{"timeZone": "Europe/Berlin", "slots": [{"day": "monday", "time": "9 am"}]}""", "$.slots[0].time", "HH:mm")]
    [InlineData("""{"timeZone": "Europe/Berlin", "slots": [{"day": "monday", "time": "09:00"}, {"day": "Monday", "time": "9:00"}]}""", "$.slots[1]", "slots[0]")]
    [InlineData("""{"slots": [{"day": "monday", "time": "09:00"}]}""", "$.timeZone", "Europe/Berlin")]
    public async Task SetPostingSchedule_BadInput_IsValidationFailedAtItsPath_AndStoresNothing(string arguments, string path, string hint)
    {
        var error = await FailingAsync("set_posting_schedule", arguments, "VALIDATION_FAILED", path);

        Assert.Contains(hint, error.GetProperty("hint").GetString());
        Assert.Empty((await OkAsync("get_posting_schedule", "{}")).GetProperty("slots").EnumerateArray());
    }

    [Fact]
    public async Task LocalTimePlusTimeZone_IsAcceptedByEveryToolThatTakesATime()
    {
        var created = await OkAsync("create_post", """
            {"content": {"text": "Local"}, "platforms": ["x"], "scheduledFor": "2026-11-23T09:00:00", "timeZone": "Europe/Berlin"}
            """);
        var id = created.GetProperty("id").GetString();
        Assert.Equal(At("2026-11-23T08:00:00Z"), created.GetProperty("scheduledFor").GetDateTimeOffset());

        var updated = await OkAsync("update_post", $$"""
            {"postId": "{{id}}", "version": 1, "scheduledFor": "2026-11-23T09:30", "timeZone": "America/New_York"}
            """);
        Assert.Equal(At("2026-11-23T14:30:00Z"), updated.GetProperty("scheduledFor").GetDateTimeOffset());

        var moved = await OkAsync("schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "2026-11-24T07:15:00", "timeZone": "Asia/Tokyo"}""");
        Assert.Equal(At("2026-11-23T22:15:00Z"), moved.GetProperty("scheduledFor").GetDateTimeOffset());
        Assert.Equal("2026-11-24T07:15:00+09:00", moved.GetProperty("scheduledForLocal").GetString());

        var checkedPlan = await OkAsync("validate_post", """
            {"content": {"text": "Local"}, "platforms": ["x"], "scheduledFor": "2026-11-22T09:00:30", "timeZone": "UTC"}
            """);
        Assert.Contains(checkedPlan.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() == "INVALID_SCHEDULE_TIME");
    }

    [Fact]
    public async Task TimeWithoutOffsetOrZone_IsRefusedEverywhere_WithTheCorrectedValueInTheHint()
    {
        var error = await FailingAsync("create_post", """{"content": {"text": "x"}, "platforms": ["x"], "scheduledFor": "2026-12-01T09:00:00"}""",
            "VALIDATION_FAILED", "$.scheduledFor");
        Assert.Contains("2026-12-01T09:00:00Z", error.GetProperty("hint").GetString());

        // A post with a zone: the hint shows the same wall time with that zone's offset.
        var id = (await OkAsync("create_post", """{"content": {"text": "x"}, "platforms": ["x"], "timeZone": "America/New_York"}""")).GetProperty("id").GetString();
        var zoned = await FailingAsync("schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "2026-12-01T09:00:00"}""", "VALIDATION_FAILED", "$.scheduledFor");
        Assert.Contains("2026-12-01T09:00:00-05:00", zoned.GetProperty("hint").GetString());
        await FailingAsync("update_post", $$"""{"postId": "{{id}}", "version": 1, "scheduledFor": "2026-12-01T09:00:00"}""", "VALIDATION_FAILED", "$.scheduledFor");
        await FailingAsync("validate_post", """{"content": {"text": "x"}, "platforms": ["x"], "scheduledFor": "2026-12-01T09:00:00"}""", "VALIDATION_FAILED", "$.scheduledFor");

        // A schedule's zone is the hint's zone for a new post of its set.
        await OkAsync("set_posting_schedule", BerlinWeek);
        var fromSchedule = await FailingAsync("list_posts", """{"from": "2026-12-01T00:00:00", "to": "2026-12-08T00:00:00Z"}""", "VALIDATION_FAILED", "$.from");
        Assert.Contains("2026-12-01T00:00:00+01:00", fromSchedule.GetProperty("hint").GetString());
        Assert.Equal("draft", (await OkAsync("get_post", $$"""{"postId": "{{id}}"}""")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task LocalTimeInAGapOrAnOverlap_IsRefusedWithTheTimesToUse()
    {
        _server.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 20, 12, 0, 0, TimeSpan.Zero));
        var id = (await OkAsync("create_post", """{"content": {"text": "x"}, "platforms": ["x"]}""")).GetProperty("id").GetString();

        var gap = await FailingAsync("schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "2027-03-28T02:30:00", "timeZone": "Europe/Berlin"}""",
            "VALIDATION_FAILED", "$.scheduledFor");
        Assert.Contains("2027-03-28T03:30:00+02:00", gap.GetProperty("hint").GetString());

        _server.Clock.SetUtcNow(new DateTimeOffset(2027, 10, 20, 12, 0, 0, TimeSpan.Zero));
        var overlap = await FailingAsync("schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "2027-10-31T02:30:00", "timeZone": "Europe/Berlin"}""",
            "VALIDATION_FAILED", "$.scheduledFor");
        Assert.Contains("+02:00", overlap.GetProperty("hint").GetString());
        Assert.Contains("+01:00", overlap.GetProperty("hint").GetString());
        // Written with the offset it means, it is accepted.
        var scheduled = await OkAsync("schedule_post", $$"""{"postId": "{{id}}", "scheduledFor": "2027-10-31T02:30:00+01:00"}""");
        Assert.Equal(At("2027-10-31T01:30:00Z"), scheduled.GetProperty("scheduledFor").GetDateTimeOffset());
    }

    [Fact]
    public async Task ListPostsWindow_ListsThePostsInTimeOrder_WithTheFreeSlots()
    {
        await OkAsync("set_posting_schedule", """
            {"timeZone": "Europe/Berlin", "slots": [{"day": "monday", "time": "09:00"}, {"day": "tuesday", "time": "09:00"}, {"day": "wednesday", "time": "09:00"}]}
            """);
        var tuesday = await OkAsync("create_post", """{"content": {"text": "Tuesday"}, "platforms": ["x"], "scheduledFor": "2026-11-24T09:00:00+01:00"}""");
        var monday = await OkAsync("create_post", """{"content": {"text": "Monday"}, "platforms": ["x"], "slot": "next"}""");
        await OkAsync("create_post", """{"content": {"text": "A draft"}, "platforms": ["x"]}""");

        var window = await OkAsync("list_posts", """{"from": "2026-11-23T00:00:00", "to": "2026-11-26T00:00:00", "timeZone": "Europe/Berlin"}""");

        Assert.Equal([monday.GetProperty("id").GetString(), tuesday.GetProperty("id").GetString()],
            window.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        var free = Assert.Single(window.GetProperty("freeSlots").EnumerateArray());
        Assert.Equal("2026-11-25T09:00:00+01:00", free.GetProperty("scheduledForLocal").GetString());
        Assert.Equal("wednesday", free.GetProperty("day").GetString());
        Assert.Contains("1 free slot in the window", window.GetProperty("summary").GetString());
        // Without a window: newest first, as before, and no freeSlots.
        var plain = await OkAsync("list_posts", "{}");
        Assert.Equal(3, plain.GetProperty("total").GetInt32());
        Assert.False(plain.TryGetProperty("freeSlots", out _));
    }

    [Theory]
    [InlineData("""{"from": "2026-11-23T00:00:00Z"}""", "$.to")]
    [InlineData("""{"to": "2026-11-23T00:00:00Z"}""", "$.from")]
    [InlineData("""{"from": "2026-11-23T00:00:00Z", "to": "2026-11-23T00:00:00Z"}""", "$.to")]
    [InlineData("""{"from": "2026-11-23T00:00:00Z", "to": "2026-11-30T00:00:00Z", "platformSetId": "nope"}""", "$.platformSetId")]
    [InlineData("""{"from": "2026-11-23T00:00:00Z", "to": "2026-11-30T00:00:00Z", "timeZone": "Mars/Olympus"}""", "$.timeZone")]
    [InlineData("""{"timeZone": "Mars/Olympus"}""", "$.timeZone")]
    public async Task ListPostsWindow_BadWindow_IsRefusedAtItsPath(string arguments, string path)
    {
        var error = await FailingAsync("list_posts", arguments, path == "$.platformSetId" ? "PLATFORM_SET_NOT_FOUND" : "VALIDATION_FAILED", path);

        Assert.False(string.IsNullOrEmpty(error.GetProperty("hint").GetString()));
    }

    [Fact]
    public async Task ValidatePost_ABadTimeZone_IsRefusedEvenWhenTheTimeHasAnOffset() =>
        await FailingAsync("validate_post", """
            {"content": {"text": "x"}, "platforms": ["x"], "scheduledFor": "2026-11-23T09:00:00Z", "timeZone": "Nowhere/Land"}
            """, "VALIDATION_FAILED", "$.timeZone");
}
