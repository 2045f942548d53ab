using SocialMcp.Core.Errors;

namespace SocialMcp.Tests.Outcomes;

/// <summary>A platform's error text is kept for people, never a credential it echoed back.</summary>
public sealed class SecretScrubberTests
{
    private const string MetaToken = "EAAGm0PX4ZCpsBAKZAZBZCnwZDZD8f3kq2ZA7bZBb9vZCZAq1ZBZB0t6x3ZA";

    [Theory]
    [InlineData("Invalid OAuth access token: Bearer " + MetaToken + " was rejected", MetaToken)]
    [InlineData("Request to https://graph.facebook.com/v21.0/me?access_token=" + MetaToken + "&fields=id failed", MetaToken)]
    [InlineData("Header Authorization: Bearer sk-live-4f9a8b7c6d5e4f3a2b1c was not accepted", "sk-live-4f9a8b7c6d5e4f3a2b1c")]
    [InlineData("{\"client_secret\": \"s3cr3t-value-xyz\", \"error\": \"invalid_client\"}", "s3cr3t-value-xyz")]
    [InlineData("refresh_token=rt.AAAA-bbbb-CCCC expired", "rt.AAAA-bbbb-CCCC")]
    [InlineData("media at https://cdn.example.com/a.jpg?sig=9f8e7d6c5b4a&exp=1 was refused", "9f8e7d6c5b4a")]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U is bad", "eyJhbGciOiJIUzI1NiJ9")]
    public void Scrub_TextWithACredential_KeepsTheWordsAndDropsTheCredential(string text, string secret)
    {
        var scrubbed = SecretScrubber.Scrub(text)!;

        Assert.DoesNotContain(secret, scrubbed, StringComparison.Ordinal);
        Assert.Contains(SecretScrubber.Redacted, scrubbed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(#100) Param image_url must be a public http or https URL.")]
    [InlineData("Error: Media download has failed. The media URI doesn't meet our requirements.")]
    [InlineData("You are not allowed to create a Tweet with duplicate content.")]
    [InlineData("Status is a duplicate. fbtrace_id AbCdEf123456")]
    [InlineData("Content too long: 3,200 characters over the limit of 3,000")]
    public void Scrub_OrdinaryPlatformMessage_IsUnchanged(string text) =>
        Assert.Equal(text, SecretScrubber.Scrub(text));

    [Fact]
    public void Scrub_VeryLongText_IsCut() =>
        Assert.True(SecretScrubber.Scrub(new string('a', 5000) + " end")!.Length <= SecretScrubber.MaxLength + 1);

    [Fact]
    public void Failed_Outcome_ScrubsThePlatformsWords()
    {
        var outcome = SocialMcp.Core.Publishing.PublishOutcome.Failed(ErrorCodes.AuthExpired, "ours", null, "190",
            "Error validating access token: Bearer " + MetaToken, 401);

        Assert.DoesNotContain(MetaToken, outcome.PlatformErrorMessage!, StringComparison.Ordinal);
        Assert.Equal(401, outcome.PlatformHttpStatus);
    }
}
