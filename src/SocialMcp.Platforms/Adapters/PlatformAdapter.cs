using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using SocialMcp.Core.Accounts;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Adapters.Shared;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.Adapters;

/// <summary>What one adapter call works with: the request, an HttpClient pointed at the account's API root, and its token.</summary>
public sealed record AdapterCall(HttpClient Client, string AccessToken, Account Account, PlatformOptions Options);

/// <summary>
/// Base of the eight platform adapters. It resolves the account's base URL and token, turns
/// <see cref="PlatformCallException"/>, timeouts, transport errors and an open circuit into outcomes in our
/// taxonomy, and offers the small helpers every adapter needs. Subclasses write only the platform's flow.
/// </summary>
public abstract partial class PlatformAdapter(
    Platform platform,
    IHttpClientFactory clients,
    ITokenVault tokens,
    IOptionsMonitor<PlatformOptions> options,
    TimeProvider time,
    ILogger logger) : IPlatformPublisher
{
    public Platform Platform => platform;

    protected TimeProvider Time => time;

    protected ILogger Logger => logger;

    protected string Name => platform.ToWireName();

    /// <summary>The platform's name as people write it ("Instagram", "LinkedIn"), for reasons a person reads.</summary>
    protected string DisplayName => platform switch
    {
        Platform.Instagram => "Instagram",
        Platform.Facebook => "Facebook",
        Platform.X => "X",
        Platform.LinkedIn => "LinkedIn",
        Platform.TikTok => "TikTok",
        Platform.YouTube => "YouTube",
        Platform.Threads => "Threads",
        Platform.Amazon => "Amazon",
        _ => Name,
    };

    public abstract PublisherCapabilities CapabilitiesFor(Platform target);

    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        if (RefuseReply(request) is { } refused)
            return refused;
        try
        {
            var call = await PrepareAsync(request.Account, cancellationToken);
            return request.ReplyToPlatformPostId is not null && !RepliesArePosts
                ? await PublishCommentAsync(request, call, cancellationToken)
                : await PublishCoreAsync(request, call, cancellationToken);
        }
        catch (ReconciliationNeededException ex)
        {
            logger.LogWarning("{Platform} cannot tell whether post {PostId} was created; it needs reconciling", Name, request.PostId);
            return PublishOutcome.NeedsReconciliation(ex.Message);
        }
        catch (PlatformCallException ex)
        {
            logger.LogInformation("{Platform} refused post {PostId}: {Code} {PlatformCode}", Name, request.PostId, ex.Failure.Code, ex.Failure.PlatformCode);
            return ex.Failure.ToPublishOutcome();
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            logger.LogWarning(ex, "{Platform} unavailable while publishing post {PostId}", Name, request.PostId);
            return Unavailable(ex).ToPublishOutcome();
        }
    }

    public async Task<WithdrawOutcome> WithdrawAsync(WithdrawRequest request, CancellationToken cancellationToken)
    {
        var isComment = request.ParentPlatformPostId is not null && !RepliesArePosts;
        // A comment is deleted through the comment API, which a platform may offer where deleting posts is off (Instagram).
        if (!(isComment ? CanDeleteComments : CapabilitiesFor(request.Platform).CanWithdraw))
            return WithdrawOutcome.Failed(ErrorCodes.WithdrawNotSupported, $"{Name} does not allow deleting {(isComment ? "comments" : "posts")} through its API.");
        try
        {
            var call = await PrepareAsync(request.Account, cancellationToken);
            return isComment
                ? await WithdrawCommentCoreAsync(request, call, cancellationToken)
                : await WithdrawCoreAsync(request, call, cancellationToken);
        }
        catch (PlatformCallException ex)
        {
            return ex.Failure.ToWithdrawOutcome();
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            logger.LogWarning(ex, "{Platform} unavailable while withdrawing {PlatformPostId}", Name, request.PlatformPostId);
            return Unavailable(ex).ToWithdrawOutcome();
        }
    }

    /// <summary>
    /// Asks the platform who a token belongs to (its "me" endpoint), for <c>socialmcp accounts connect</c>. A refused
    /// token throws a <see cref="DomainValidationException"/> carrying the mapped code (AUTH_EXPIRED, PERMISSION_MISSING…).
    /// </summary>
    public async Task<VerifiedAccount> VerifyAsync(string accessToken, Uri? apiBaseUrl, CancellationToken cancellationToken)
    {
        var settings = options.Get(Name);
        var client = clients.CreateClient(PlatformHttpClients.NameOf(platform));
        client.BaseAddress = WithTrailingSlash(apiBaseUrl ?? settings.BaseUrl ?? new Uri(PlatformOptions.DefaultBaseUrls[platform]));
        var call = new AdapterCall(client, accessToken, null!, settings);
        try
        {
            var body = await SendAsync(call, WhoAmIRequest(), cancellationToken);
            return ParseWhoAmI(body);
        }
        catch (PlatformCallException ex)
        {
            throw new DomainValidationException([new Problem(ex.Failure.Code,
                $"{Name} refused the token: {ex.Failure.PlatformMessage ?? ex.Failure.Message}", "$.token", platform,
                "Check the token and its permissions, then connect again.")]);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            throw new DomainValidationException([new Problem(ErrorCodes.PlatformError,
                $"{Name} could not be reached to check the token.", "$.token", platform, "Check the base URL and try again.")]);
        }
    }

    /// <summary>The platform's "who am I" request (relative to the API root).</summary>
    protected virtual HttpRequestMessage WhoAmIRequest() =>
        throw new NotSupportedException($"Connecting {Name} accounts is not supported yet.");

    /// <summary>The account id and handle from the "who am I" response.</summary>
    protected virtual VerifiedAccount ParseWhoAmI(JsonElement body) =>
        throw new NotSupportedException($"Connecting {Name} accounts is not supported yet.");

    protected abstract Task<PublishOutcome> PublishCoreAsync(PublishRequest request, AdapterCall call, CancellationToken cancellationToken);

    protected abstract Task<WithdrawOutcome> WithdrawCoreAsync(WithdrawRequest request, AdapterCall call, CancellationToken cancellationToken);

    /// <summary>Maps an unsuccessful response (status and parsed body, if JSON) to our taxonomy.</summary>
    protected abstract PlatformFailure MapError(HttpResponseMessage response, JsonElement? body);

    /// <summary>Sends a request and returns its JSON body; an unsuccessful status throws <see cref="PlatformCallException"/> via <see cref="MapError"/>.</summary>
    protected async Task<JsonElement> SendAsync(AdapterCall call, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", call.AccessToken);
        using var response = await call.Client.SendAsync(request, cancellationToken);
        var body = await ReadJsonAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new PlatformCallException(MapError(response, body) with { HttpStatus = (int)response.StatusCode });
        return body ?? default;
    }

    /// <summary>
    /// Runs a lookup that asks the platform whether a creating call made the post. A lookup that fails for any reason —
    /// a refusal, a 5xx or 429, no answer, an open circuit, or an answer it throws on as unreadable — becomes
    /// <see cref="LookupResult.Unknown"/>, never "not there", so the caller does not create the post a second time.
    /// <paramref name="what"/> names what was read (e.g. "@maker's recent posts"), for the person who has to check.
    /// </summary>
    protected async Task<LookupResult> LookUpAsync(string what, Func<Task<LookupResult>> lookup, CancellationToken cancellationToken)
    {
        try
        {
            return await lookup();
        }
        catch (PlatformCallException ex)
        {
            logger.LogWarning("{Platform}: could not read {What} to reconcile: {Code} {PlatformCode}", Name, what, ex.Failure.Code, ex.Failure.PlatformCode);
            var detail = ex.Failure.PlatformCode switch
            {
                UnreadableCode => $"{DisplayName}'s answer could not be read",
                { } code => $"{DisplayName} answered {code}",
                null => $"{DisplayName} answered {ex.Failure.Code}",
            };
            return new LookupResult.Unknown($"{what} could not be read to check ({detail})");
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            logger.LogWarning("{Platform}: could not read {What} to reconcile: {Error}", Name, what, ex.GetType().Name);
            var detail = ex is BrokenCircuitException ? $"calls to {DisplayName} are paused after repeated failures" : $"{DisplayName} did not answer";
            return new LookupResult.Unknown($"{what} could not be read to check ({detail})");
        }
    }

    /// <summary>
    /// The outcome for a creating call whose result the platform cannot tell: <paramref name="happened"/> says what may have
    /// been created, <paramref name="unknown"/> why we could not check, <paramref name="check"/> what a person should look at.
    /// </summary>
    protected PublishOutcome NeedsReconciliation(string happened, LookupResult.Unknown unknown, string check)
    {
        logger.LogWarning("{Platform}: {Happened}; {Why}", Name, happened, unknown.Why);
        return PublishOutcome.NeedsReconciliation($"{happened}, and {unknown.Why}. {check}");
    }

    /// <summary>The exception form of <see cref="NeedsReconciliation"/>, for deep inside a flow.</summary>
    protected static ReconciliationNeededException Unresolved(string happened, LookupResult.Unknown unknown, string check) =>
        new($"{happened}, and {unknown.Why}. {check}");

    /// <summary>A minute-precision UTC time for reasons a person reads ("2026-11-22T07:40Z").</summary>
    protected static string Minute(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    /// <summary>A lookup answer we cannot read: thrown inside a lookup, it becomes <see cref="LookupResult.Unknown"/>.</summary>
    protected PlatformCallException UnreadableAnswer() =>
        new(PlatformFailure.Transient(Name, UnreadableCode, $"{Name}'s answer could not be read."));

    private const string UnreadableCode = "unreadable_answer";

    /// <summary>Waits between status polls through the injected clock, so tests move time instead of sleeping.</summary>
    protected Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, time, cancellationToken);

    protected static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = response.Content is null ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The wait a rate-limited response asks for, as an absolute time.</summary>
    protected DateTimeOffset? ResetTime(HttpResponseMessage response) =>
        RateLimitSignals.RequestedWait(response, time.GetUtcNow()) is { } wait ? time.GetUtcNow() + wait : null;

    private async Task<AdapterCall> PrepareAsync(Account account, CancellationToken cancellationToken)
    {
        var settings = options.Get(Name);
        var token = await tokens.GetAccessTokenAsync(account, cancellationToken)
            ?? throw new PlatformCallException(new PlatformFailure(ErrorCodes.AuthExpired,
                $"The {Name} account '{account.Handle}' has no usable token; reconnect it."));
        var client = clients.CreateClient(PlatformHttpClients.NameOf(platform));
        client.BaseAddress = BaseUrlFor(account, settings);
        return new AdapterCall(client, token, account, settings);
    }

    private Uri BaseUrlFor(Account account, PlatformOptions settings)
    {
        if (account.Metadata.ValueKind == JsonValueKind.Object && account.Metadata.TryGetProperty("apiBaseUrl", out var overridden)
            && Uri.TryCreate(overridden.GetString(), UriKind.Absolute, out var fromAccount))
            return WithTrailingSlash(fromAccount);
        return WithTrailingSlash(settings.BaseUrl ?? new Uri(PlatformOptions.DefaultBaseUrls[platform]));
    }

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static bool IsUnavailable(Exception ex, CancellationToken cancellationToken) =>
        PlatformErrorClassifier.IsNoAnswer(ex, cancellationToken) || ex is BrokenCircuitException;

    private PlatformFailure Unavailable(Exception ex) => ex is BrokenCircuitException
        ? new PlatformFailure(ErrorCodes.PlatformError, $"{Name} has been failing; calls are paused for a moment. Try again shortly.")
        : PlatformFailure.Transient(Name);
}
