using System.Diagnostics.Metrics;
using System.Text.Json;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Telemetry;
using SocialMcp.Core.Webhooks;
using SocialMcp.Tests.Accounts;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Verification;

/// <summary>
/// The account alarms (issue 16): account.reconnect_required is written once per move to reconnect-required (a dead grant at
/// a refresh, a publish refused after a refresh), account.expiring once per set of tokens that becomes expiring, each in the
/// transaction of its change (outbox rows counted straight in the database).
/// </summary>
public sealed class AccountAlarmTests
{
    private const string Ws = OAuthHarness.Ws;
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task DeadGrant_RaisesReconnectRequiredOnce_NotAgainWhileItStaysSo()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var db = harness.Services.OpenConnectionAsync;
        await OutboxRows.AddEndpointAsync(db, Ws, harness.Clock.GetUtcNow());
        var account = await harness.ConnectedAccountAsync(Platform.X);
        harness.Platform.RevokeAll();
        using var refreshes = new RefreshCounter();

        Assert.Equal(RefreshResult.ReconnectRequired, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        Assert.Equal(RefreshResult.ReconnectRequired, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        await harness.Services.Store.WriteAsync(s => harness.Services.Get<AccountAlarms>()
            .MarkReconnectRequiredAsync(s, account.Id, "auth_expired: refused after a refresh", harness.Clock.GetUtcNow(), Ct), Ct);

        var alarm = Assert.Single(await OutboxRows.EventsAsync(db, WebhookEventTypes.AccountReconnectRequired));
        Assert.Null(alarm.PostId);
        Assert.Equal(1, await OutboxRows.DeliveriesAsync(db, alarm.Id));
        using var payload = JsonDocument.Parse(alarm.Payload);
        var data = payload.RootElement.GetProperty("data");
        Assert.Equal(account.Id, data.GetProperty("accountId").GetString());
        Assert.Equal("x", data.GetProperty("platform").GetString());
        Assert.Equal(account.Handle, data.GetProperty("handle").GetString());
        Assert.Equal(account.PlatformSetId, data.GetProperty("platformSetId").GetString());
        Assert.Contains("dead_grant", data.GetProperty("reason").GetString());
        Assert.DoesNotContain(harness.Platform.LatestAccessToken!, alarm.Payload);
        // The meter is process-wide and other test classes run alongside: at least this one's dead grant was counted.
        Assert.True(refreshes.Count("x", "reconnect_required") >= 1);
    }

    [Fact]
    public async Task PublishRefusedAfterARefresh_RaisesReconnectRequiredInTheOutcomesTransaction()
    {
        await using var harness = await OAuthHarness.CreateAsync();
        var db = harness.Services.OpenConnectionAsync;
        await OutboxRows.AddEndpointAsync(db, Ws, harness.Clock.GetUtcNow());
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var posts = harness.Services.Get<PostService>();
        var draft = await posts.CreateAsync(Ws, Drafts.Create("Hello", Platform.X) with { PlatformSetId = account.PlatformSetId }, Ct);
        var refused = PublishOutcome.Failed(ErrorCodes.AuthExpired, "The platform refused the renewed token.");
        var recorder = harness.Services.Get<TargetRecorder>();

        await recorder.RecordOutcomeAsync(draft.Post, draft.Targets.Single(), account, refused, Ct, reconnectRequired: true);
        await recorder.RecordOutcomeAsync(draft.Post, draft.Targets.Single(), account, refused, Ct, reconnectRequired: true);

        Assert.True((await harness.ReadAccountAsync(account.Id)).ReconnectRequired);
        var alarm = Assert.Single(await OutboxRows.EventsAsync(db, WebhookEventTypes.AccountReconnectRequired));
        Assert.Contains("refused after a refresh", alarm.Payload);
    }

    [Fact]
    public async Task RefreshTokenExpiringWithinTheWarning_RaisesAccountExpiringOncePerTokenSet()
    {
        await using var harness = await OAuthHarness.CreateAsync(new Dictionary<string, string?> { ["OAuth:ReconnectWarning"] = "7.00:00:00" });
        var db = harness.Services.OpenConnectionAsync;
        await OutboxRows.AddEndpointAsync(db, Ws, harness.Clock.GetUtcNow());
        harness.Platform.RefreshLifetime = TimeSpan.FromDays(30);
        var account = await harness.ConnectedAccountAsync(Platform.X);
        var worker = harness.Services.Get<TokenRefreshWorker>();

        await worker.PassAsync(Ct);
        Assert.Empty(await OutboxRows.EventsAsync(db, WebhookEventTypes.AccountExpiring)); // 30 days left: healthy

        // 25 days on, the access token was renewed meanwhile but the refresh token has five days left: expiring.
        harness.Platform.RefreshLifetime = TimeSpan.FromDays(5);
        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        Assert.Equal(TokenHealth.Expiring, TokenHealth.Of(await harness.ReadAccountAsync(account.Id), harness.Clock.GetUtcNow()));
        await worker.PassAsync(Ct);
        await worker.PassAsync(Ct);
        harness.Clock.Advance(TimeSpan.FromHours(1));
        await worker.PassAsync(Ct);

        var alarm = Assert.Single(await OutboxRows.EventsAsync(db, WebhookEventTypes.AccountExpiring));
        using (var payload = JsonDocument.Parse(alarm.Payload))
        {
            var data = payload.RootElement.GetProperty("data");
            Assert.Equal(account.Id, data.GetProperty("accountId").GetString());
            Assert.Equal("refresh_token_expiring", data.GetProperty("reason").GetString());
            Assert.Equal((await harness.ReadAccountAsync(account.Id)).RefreshExpiresAt, data.GetProperty("expiresAt").GetDateTimeOffset());
        }

        // A renewal replaces the tokens; the new refresh token expiring too is news again, once.
        Assert.Equal(RefreshResult.Refreshed, await harness.Refresher.RefreshAsync(account.Id, force: true, Ct));
        await worker.PassAsync(Ct);
        await worker.PassAsync(Ct);
        Assert.Equal(2, (await OutboxRows.EventsAsync(db, WebhookEventTypes.AccountExpiring)).Count);
    }

    /// <summary>Counts socialmcp.token.refreshes measurements by platform and outcome while it lives.</summary>
    private sealed class RefreshCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string? Platform, string? Outcome)> _seen = [];

        public RefreshCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument, SocialMcpTelemetry.TokenRefreshes))
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? platform = null, outcome = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "platform") platform = tag.Value as string;
                    if (tag.Key == "outcome") outcome = tag.Value as string;
                }
                lock (_seen) _seen.Add((platform, outcome));
            });
            _listener.Start();
        }

        public int Count(string platform, string outcome)
        {
            lock (_seen) return _seen.Count(s => s.Platform == platform && s.Outcome == outcome);
        }

        public void Dispose() => _listener.Dispose();
    }
}
