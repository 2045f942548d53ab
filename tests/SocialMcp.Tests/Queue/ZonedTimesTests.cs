using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;

namespace SocialMcp.Tests.Queue;

/// <summary>The one reader of every time argument: offsets, local times plus an IANA zone, and the DST edges of both.</summary>
public sealed class ZonedTimesTests
{
    private static DomainValidationException Refused(string value, string? timeZone, string? hintZone = null) =>
        Assert.Throws<DomainValidationException>(() => ZonedTimes.Parse(value, timeZone, "$.scheduledFor", hintZone));

    [Theory]
    [InlineData("2027-03-28T09:00:00+02:00", "2027-03-28T07:00:00Z")]
    [InlineData("2027-03-28T07:00:00Z", "2027-03-28T07:00:00Z")]
    [InlineData("2027-03-28T07:00Z", "2027-03-28T07:00:00Z")]
    [InlineData("2027-03-28T02:00:00.5-05:30", "2027-03-28T07:30:00.5Z")]
    public void WithAnOffset_TheOffsetRules_AndTimeZoneDoesNotMoveIt(string value, string utc)
    {
        var expected = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, ZonedTimes.Parse(value, null, "$.scheduledFor"));
        Assert.Equal(expected, ZonedTimes.Parse(value, "America/New_York", "$.scheduledFor"));
    }

    [Theory]
    [InlineData("2027-03-28T09:00:00", "Europe/Berlin", "2027-03-28T07:00:00Z")] // the first day of summer time: +02:00
    [InlineData("2027-03-27T09:00:00", "Europe/Berlin", "2027-03-27T08:00:00Z")] // the day before: +01:00
    [InlineData("2027-03-14T09:00", "America/New_York", "2027-03-14T13:00:00Z")] // EDT
    [InlineData("2027-11-07T09:00:00", "America/New_York", "2027-11-07T14:00:00Z")] // EST again
    public void LocalTimePlusZone_IsThatWallTimeInTheZone(string value, string zone, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), ZonedTimes.Parse(value, zone, "$.scheduledFor"));

    [Fact]
    public void LocalTimeWithoutZone_IsRefusedAtItsPath_WithTheValueInUtcInTheHint()
    {
        var problem = Refused("2027-03-28T09:00:00", null).Problem;

        Assert.Equal(ErrorCodes.ValidationFailed, problem.Code);
        Assert.Equal("$.scheduledFor", problem.Path);
        Assert.Contains("2027-03-28T09:00:00Z", problem.Hint);
        Assert.Contains("timeZone", problem.Hint);
    }

    [Fact]
    public void LocalTimeWithoutZone_WhenThePostHasAZone_HintsTheSameWallTimeWithThatZonesOffset()
    {
        var problem = Refused("2027-03-28T09:00:00", null, hintZone: "Europe/Berlin").Problem;

        Assert.Contains("2027-03-28T09:00:00+02:00", problem.Hint);
        Assert.Contains("Europe/Berlin", problem.Hint);
    }

    [Theory]
    [InlineData("2027-03-28T02:30:00", "Europe/Berlin", "2027-03-28T03:30:00+02:00")]
    [InlineData("2027-03-14T02:15:00", "America/New_York", "2027-03-14T03:15:00-04:00")]
    public void LocalTimeInTheSpringForwardGap_IsRefused_WithTheValidTimeInTheHint(string value, string zone, string valid)
    {
        var problem = Refused(value, zone).Problem;

        Assert.Equal("$.scheduledFor", problem.Path);
        Assert.Contains("does not exist", problem.Message);
        Assert.Contains(valid, problem.Hint);
    }

    [Theory]
    [InlineData("2027-10-31T02:30:00", "Europe/Berlin", "2027-10-31T02:30:00+02:00", "2027-10-31T02:30:00+01:00")]
    [InlineData("2027-11-07T01:30:00", "America/New_York", "2027-11-07T01:30:00-04:00", "2027-11-07T01:30:00-05:00")]
    public void LocalTimeInTheFallBackOverlap_IsRefused_WithBothOffsetsInTheHint(string value, string zone, string first, string second)
    {
        var problem = Refused(value, zone).Problem;

        Assert.Contains("twice", problem.Message);
        Assert.Contains(first, problem.Hint);
        Assert.Contains(second, problem.Hint);
        // And each of them, written out, is read back as the instant it names.
        Assert.Equal(DateTimeOffset.Parse(first, System.Globalization.CultureInfo.InvariantCulture), ZonedTimes.Parse(first, zone, "$.scheduledFor"));
    }

    [Theory]
    [InlineData("2026-12-31T23:59:60Z")] // a leap second
    [InlineData("2027-02-30T09:00:00Z")]
    [InlineData("tomorrow at nine")]
    [InlineData("2027-03-28 09:00:00Z")]
    [InlineData("2027-03-28T09:00:00+15:00")]
    [InlineData("2027-03-28T09:00:00+01:75")]
    public void Unreadable_IsValidationFailedAtItsPath(string value)
    {
        var problem = Refused(value, "Europe/Berlin").Problem;

        Assert.Equal(ErrorCodes.ValidationFailed, problem.Code);
        Assert.Equal("$.scheduledFor", problem.Path);
        Assert.NotNull(problem.Hint);
    }

    [Fact]
    public void BadZone_IsValidationFailedAtTimeZone()
    {
        var problem = Refused("2027-03-28T09:00:00", "Mars/Olympus").Problem;

        Assert.Equal("$.timeZone", problem.Path);
    }
}
