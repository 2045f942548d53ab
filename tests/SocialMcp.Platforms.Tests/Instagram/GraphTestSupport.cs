using System.Net.Http.Headers;
using System.Text.Json;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Tests.Support;

namespace SocialMcp.Platforms.Tests.Instagram;

/// <summary>Helpers shared by the Instagram and Threads tests (both Meta container APIs).</summary>
internal static class GraphTestSupport
{
    public static MediaItem Image(string name = "photo") => new($"https://cdn.example.com/{name}.jpg", MediaTypes.Image, "image/jpeg");

    public static MediaItem Video(string name = "clip", string host = "cdn.example.com") =>
        new($"https://{host}/{name}.mp4", MediaTypes.Video, "video/mp4", DurationSeconds: 12);

    /// <summary>Like <see cref="AdapterHarness.Account"/>, with a token holding only the given scopes.</summary>
    public static Account AccountWithScopes(AdapterHarness harness, string handle, params string[] scopes)
    {
        var token = harness.Emulator.State.IssueToken(harness.Platform, "acct-" + handle, handle, scopes: scopes);
        var metadata = JsonSerializer.SerializeToElement(new Dictionary<string, object?> { ["apiBaseUrl"] = harness.Emulator.BaseUrlOf(harness.Platform).AbsoluteUri });
        var now = DateTimeOffset.UtcNow;
        return new Account
        {
            Id = Guid.NewGuid().ToString(),
            WorkspaceId = "ws",
            PlatformSetId = "set",
            Platform = harness.Platform,
            Handle = handle,
            PlatformAccountId = "acct-" + handle,
            TokenReference = "sandbox:" + token.Token,
            IsSandbox = false,
            Metadata = metadata,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public static string TokenOf(Account account) => account.TokenReference!["sandbox:".Length..];

    /// <summary>An HttpClient that talks to the emulated platform directly as the account, to set up or inspect its state.</summary>
    public static HttpClient EmulatorClient(AdapterHarness harness, Account account)
    {
        var client = new HttpClient { BaseAddress = harness.Emulator.BaseUrlOf(harness.Platform) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(account));
        return client;
    }

    public static async Task<JsonElement> PostFormAsync(HttpClient client, string path, params (string Name, string Value)[] fields)
    {
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        return await JsonAsync(response);
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await JsonAsync(response);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
