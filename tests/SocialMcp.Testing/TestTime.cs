namespace SocialMcp.Testing;

/// <summary>Where the tests' fake clocks start unless a test says otherwise.</summary>
public static class TestTime
{
    /// <summary>
    /// A fixed day of ours rather than <see cref="FakeTimeProvider"/>'s 2000-01-01: the emulated platforms judge dates
    /// (LinkedIn refuses an API version newer than "now"), and the tests' expected times are written against this one.
    /// </summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
}
