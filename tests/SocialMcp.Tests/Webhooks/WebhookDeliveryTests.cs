using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Webhooks;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms.Media;
using SocialMcp.Tests.Support;

namespace SocialMcp.Tests.Webhooks;

/// <summary>
/// Webhook delivery end to end in one process: the real outbox, store, signer, guarded transport and worker pass, a
/// receiver on loopback (allow-listed) that checks every signature with its own HMAC, and a fake clock.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private TestServices _services = null!;
    private WebhookReceiver _receiver = null!;
    private readonly SwitchableResolver _resolver = new();

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _services = await TestServices.CreateInitializedAsync(
            new Dictionary<string, string?> { ["Media:AllowedHosts:0"] = "127.0.0.1" },
            services => services.AddSingleton<IHostResolver>(_resolver));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private WebhookService Webhooks => _services.Get<WebhookService>();
    private PostService Posts => _services.Get<PostService>();

    private WebhookDeliveryWorker Worker() => ActivatorUtilities.CreateInstance<WebhookDeliveryWorker>(_services.Services);

    private Task<WebhookWithSecret> CreateAsync(IReadOnlyList<string>? types = null, string? url = null) =>
        Webhooks.CreateAsync(LocalWorkspace.Id, url ?? _receiver.Url, "test", types, Ct);

    private async Task<string> NewPostAsync(string text = "Hello")
    {
        var post = await Posts.CreateAsync(LocalWorkspace.Id, Drafts.Create(text), Ct);
        return post.Post.Id;
    }

    [Fact]
    public async Task A_post_change_is_delivered_signed_with_the_stored_body_byte_for_byte()
    {
        var created = await CreateAsync();
        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(created.Secret["whsec_".Length..]).Length);
        var postId = await NewPostAsync();

        Assert.Equal(1, await Worker().PassAsync(Ct));

        var received = Assert.Single(_receiver.Accepted);
        Assert.True(received.IsSignedWith(created.Secret));
        Assert.Equal("post.created", received.Type);
        Assert.Equal(postId, received.PostId);
        Assert.Equal(_services.Clock.GetUtcNow().ToUnixTimeSeconds(), received.Timestamp);
        Assert.StartsWith("application/json", received.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("msg_", received.Id, StringComparison.Ordinal);
        var stored = await _services.Store.ReadAsync(async s =>
            (await s.Webhooks.ListDeliveriesAsync(LocalWorkspace.Id, new WebhookDeliveryQuery(), Ct)).Single(), Ct);
        Assert.Equal(received.Id, stored.EventId);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, stored.Status);
        Assert.Equal(200, stored.LastStatusCode);
        Assert.Equal(1, stored.AttemptCount);
        // The secret is in the vault, not the row.
        var endpoint = Assert.Single(await Webhooks.ListAsync(LocalWorkspace.Id, Ct));
        Assert.DoesNotContain(created.Secret["whsec_".Length..], endpoint.SecretReference, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_down_for_an_hour_gets_every_event_once_and_in_creation_order_per_post()
    {
        var created = await CreateAsync();
        _receiver.Status = 503;
        var a = await NewPostAsync("A");
        _services.Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await NewPostAsync("B");
        _services.Clock.Advance(TimeSpan.FromSeconds(1));
        var start = _services.Clock.GetUtcNow();
        await Posts.ScheduleAsync(LocalWorkspace.Id, a, start + TimeSpan.FromHours(5), null, Ct);
        _services.Clock.Advance(TimeSpan.FromSeconds(1));
        await Posts.ScheduleAsync(LocalWorkspace.Id, b, start + TimeSpan.FromHours(5), null, Ct);
        _services.Clock.Advance(TimeSpan.FromSeconds(1));
        await Posts.ScheduleAsync(LocalWorkspace.Id, a, start + TimeSpan.FromHours(6), null, Ct);
        var expected = await _services.Store.ReadAsync(s => s.Webhooks.ListDeliveriesAsync(LocalWorkspace.Id, new WebhookDeliveryQuery(), Ct), Ct);
        Assert.Equal(5, expected.Count);

        var worker = Worker();
        for (var minute = 0; minute < 60; minute++)
        {
            await worker.PassAsync(Ct);
            _services.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        Assert.NotEmpty(_receiver.Received);
        Assert.Empty(_receiver.Accepted);
        // Held back by order: while a post's first event waits, its later ones are never sent.
        Assert.All(_receiver.Received, r => Assert.Equal("post.created", r.Type));

        _receiver.Status = 200;
        for (var step = 0; step < 6 * 24 && _receiver.Accepted.Count < 5; step++)
        {
            _services.Clock.Advance(TimeSpan.FromMinutes(5));
            await worker.PassAsync(Ct);
        }

        var accepted = _receiver.Accepted;
        Assert.Equal(expected.Select(d => d.EventId).Order(), accepted.Select(r => r.Id).Order());
        Assert.All(accepted, r => Assert.True(r.IsSignedWith(created.Secret)));
        foreach (var postId in new[] { a, b })
        {
            var versions = accepted.Where(r => r.PostId == postId).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("version").GetInt32()).ToList();
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(versions.Distinct().Count(), versions.Count);
        }
        Assert.Equal(["post.created", "post.scheduled", "post.scheduled"], accepted.Where(r => r.PostId == a).Select(r => r.Type));
        var endpoint = Assert.Single(await Webhooks.ListAsync(LocalWorkspace.Id, Ct));
        Assert.Null(endpoint.DisabledAt);
        Assert.Equal(0, endpoint.ConsecutiveFailures);
    }

    [Fact]
    public async Task A_later_event_of_a_post_waits_for_the_earlier_one_while_other_posts_go_ahead()
    {
        await CreateAsync();
        var store = _services.Store;
        var outbox = _services.Get<WebhookOutbox>();
        await store.WriteAsync(async s =>
        {
            await outbox.RecordAsync(s, LocalWorkspace.Id, WebhookEventTypes.PostOverdue, new Dictionary<string, string?>(), Ct, postId: "pst_1");
            await outbox.RecordAsync(s, LocalWorkspace.Id, WebhookEventTypes.PostFailed, new Dictionary<string, string?>(), Ct, postId: "pst_1");
            await outbox.RecordAsync(s, LocalWorkspace.Id, WebhookEventTypes.PostFailed, new Dictionary<string, string?>(), Ct, postId: "pst_2");
            return true;
        }, Ct);
        var now = _services.Clock.GetUtcNow();
        var first = await store.WriteAsync(s => s.Webhooks.ClaimDueDeliveryAsync("one", now, now.AddMinutes(1), null, Ct), Ct);
        var second = await store.WriteAsync(s => s.Webhooks.ClaimDueDeliveryAsync("two", now, now.AddMinutes(1), null, Ct), Ct);
        var third = await store.WriteAsync(s => s.Webhooks.ClaimDueDeliveryAsync("three", now, now.AddMinutes(1), null, Ct), Ct);
        var deliveries = await store.ReadAsync(s => s.Webhooks.ListDeliveriesAsync(LocalWorkspace.Id, new WebhookDeliveryQuery(), Ct), Ct);
        Assert.Equal(WebhookEventTypes.PostOverdue, deliveries.Single(d => d.Id == first).EventType);
        Assert.Equal("pst_2", deliveries.Single(d => d.Id == second).PostId);
        // pst_1's second event waits for its first (leased, still pending); nothing else is due.
        Assert.Null(third);
        // A leased delivery is not claimed twice until its lease runs out.
        var later = now.AddMinutes(2);
        var retaken = await store.WriteAsync(s => s.Webhooks.ClaimDueDeliveryAsync("four", later, later.AddMinutes(1), null, Ct), Ct);
        Assert.Equal(first, retaken);
    }

    [Fact]
    public async Task Replay_sends_the_same_webhook_id_again_with_a_fresh_valid_signature()
    {
        var created = await CreateAsync();
        await NewPostAsync();
        await Worker().PassAsync(Ct);
        var original = Assert.Single(_receiver.Accepted);
        var delivery = (await Webhooks.ListDeliveriesAsync(LocalWorkspace.Id, new WebhookDeliveryQuery(), Ct)).Single();

        _services.Clock.Advance(TimeSpan.FromMinutes(10));
        var replay = await Webhooks.ReplayDeliveryAsync(LocalWorkspace.Id, delivery.Id, Ct);
        Assert.Equal([original.Id], replay.EventIds);
        await Worker().PassAsync(Ct);

        Assert.Equal(2, _receiver.Accepted.Count);
        var again = _receiver.Accepted[1];
        Assert.Equal(original.Id, again.Id);
        Assert.Equal(original.Body, again.Body);
        Assert.Equal(original.Timestamp + 600, again.Timestamp);
        Assert.True(again.IsSignedWith(created.Secret));
        // The log keeps the original delivery and adds the replay.
        Assert.Equal(2, (await Webhooks.ListDeliveriesAsync(LocalWorkspace.Id, new WebhookDeliveryQuery(EventId: original.Id), Ct)).Count);

        // A range replay re-sends every event of the subscription created in [from, to).
        await NewPostAsync("second");
        await Worker().PassAsync(Ct);
        var from = TestServices.Start;
        var ranged = await Webhooks.ReplayRangeAsync(LocalWorkspace.Id, created.Endpoint.Id, from, _services.Clock.GetUtcNow().AddSeconds(1), Ct);
        Assert.Equal(2, ranged.EventIds.Count);
        await Worker().PassAsync(Ct);
        Assert.Equal(5, _receiver.Accepted.Count);
        Assert.Equal(ranged.EventIds, _receiver.Accepted.Skip(3).Select(r => r.Id));
        Assert.All(_receiver.Accepted, r => Assert.True(r.IsSignedWith(created.Secret)));
    }

    [Fact]
    public async Task Rotation_signs_with_both_secrets_during_the_overlap_and_only_the_new_one_after()
    {
        var created = await CreateAsync();
        var rotated = await Webhooks.RotateSecretAsync(LocalWorkspace.Id, created.Endpoint.Id, Ct);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.Equal(_services.Clock.GetUtcNow() + TimeSpan.FromHours(24), rotated.Endpoint.PreviousSecretExpiresAt);

        await NewPostAsync();
        await Worker().PassAsync(Ct);
        var during = Assert.Single(_receiver.Accepted);
        Assert.Equal(2, during.Signatures.Count);
        Assert.True(during.IsSignedWith(created.Secret));
        Assert.True(during.IsSignedWith(rotated.Secret));
        Assert.True((during with { Signatures = [during.Signatures[0]] }).IsSignedWith(rotated.Secret), "The new secret's signature comes first.");

        _services.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await NewPostAsync("after");
        await Worker().PassAsync(Ct);
        var after = _receiver.Accepted[1];
        Assert.Single(after.Signatures);
        Assert.True(after.IsSignedWith(rotated.Secret));
        Assert.False(after.IsSignedWith(created.Secret));
    }

    [Fact]
    public async Task An_endpoint_failing_for_a_day_is_disabled_its_deliveries_cancelled_and_webhook_disabled_sent_to_the_others()
    {
        await using var healthy = await WebhookReceiver.StartAsync();
        var failing = await CreateAsync([WebhookEventTypes.PostCreated]);
        var watcher = await CreateAsync([WebhookEventTypes.WebhookDisabled], healthy.Url);
        _receiver.Status = 500;
        await NewPostAsync("first");
        var worker = Worker();
        for (var step = 0; step < 26 * 2; step++)
        {
            await worker.PassAsync(Ct);
            _services.Clock.Advance(TimeSpan.FromMinutes(30));
            if (step == 40)
                await NewPostAsync("still pending when the endpoint is disabled");
        }

        var endpoint = (await Webhooks.ListAsync(LocalWorkspace.Id, Ct)).Single(e => e.Id == failing.Endpoint.Id);
        Assert.NotNull(endpoint.DisabledAt);
        Assert.Contains("failed", endpoint.DisabledReason, StringComparison.Ordinal);
        var deliveries = await Webhooks.ListDeliveriesAsync(LocalWorkspace.Id, new WebhookDeliveryQuery(EndpointId: failing.Endpoint.Id), Ct);
        // Newest first. The second post's delivery is far from its own deadline, so disabling cancels it. The first one's last
        // attempt falls in the same pass as the disable: it ends failed (its deadline came first) or cancelled (the other
        // delivery's failed attempt disabled the endpoint first); which one depends on jittered attempt times and the pass's order.
        Assert.Equal(2, deliveries.Count);
        Assert.Equal(WebhookDeliveryStatus.Cancelled, deliveries[0].Status);
        Assert.Contains(deliveries[1].Status, new[] { WebhookDeliveryStatus.Failed, WebhookDeliveryStatus.Cancelled });
        Assert.DoesNotContain(deliveries, d => d.Status == WebhookDeliveryStatus.Pending);

        var notice = Assert.Single(healthy.Accepted);
        Assert.Equal(WebhookEventTypes.WebhookDisabled, notice.Type);
        Assert.True(notice.IsSignedWith(watcher.Secret));
        Assert.Equal(failing.Endpoint.Id, JsonDocument.Parse(notice.Body).RootElement.GetProperty("data").GetProperty("webhookId").GetString());

        // Nothing more goes to a disabled endpoint.
        var before = _receiver.Received.Count;
        await NewPostAsync("after");
        _services.Clock.Advance(TimeSpan.FromHours(1));
        await worker.PassAsync(Ct);
        Assert.Equal(before, _receiver.Received.Count);
    }

    [Theory]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://192.168.0.10/hook")]
    [InlineData("https://169.254.169.254/latest")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://metadata.google.internal/hook")]
    [InlineData("http://hooks.example.com/hook")]
    [InlineData("ftp://hooks.example.com/hook")]
    [InlineData("not a url")]
    public async Task The_fetch_guard_refuses_private_and_non_https_urls_at_creation(string url)
    {
        var error = await Assert.ThrowsAsync<DomainValidationException>(() => CreateAsync(url: url));
        Assert.Equal(ErrorCodes.WebhookUrlRefused, error.Problem.Code);
        Assert.Equal("$.url", error.Problem.Path);
        Assert.Empty(await Webhooks.ListAsync(LocalWorkspace.Id, Ct));
    }

    [Fact]
    public async Task A_host_that_turns_private_after_creation_is_refused_at_delivery()
    {
        _resolver.Address = IPAddress.Parse("93.184.216.34");
        await CreateAsync(url: "https://hooks.example.com/hook");
        _resolver.Address = IPAddress.Loopback;
        await NewPostAsync();
        await Worker().PassAsync(Ct);

        var delivery = (await Webhooks.ListDeliveriesAsync(LocalWorkspace.Id, new WebhookDeliveryQuery(), Ct)).Single();
        Assert.Equal(WebhookDeliveryStatus.Pending, delivery.Status);
        Assert.Equal(1, delivery.AttemptCount);
        Assert.Null(delivery.LastStatusCode);
        Assert.Contains("refused", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_event_type_is_refused_at_its_index()
    {
        var error = await Assert.ThrowsAsync<DomainValidationException>(() => CreateAsync([WebhookEventTypes.PostCreated, "post.exploded"]));
        Assert.Equal(ErrorCodes.ValidationFailed, error.Problem.Code);
        Assert.Equal("$.eventTypes[1]", error.Problem.Path);
        Assert.Empty(await Webhooks.ListAsync(LocalWorkspace.Id, Ct));
    }

    [Fact]
    public async Task A_test_event_goes_now_to_that_endpoint_only_and_is_not_retried()
    {
        var created = await CreateAsync([WebhookEventTypes.PostFailed]);
        var sent = await Webhooks.TestAsync(LocalWorkspace.Id, created.Endpoint.Id, Ct);
        Assert.Equal(WebhookDeliveryStatus.Succeeded, sent.Attempt!.Outcome);
        var received = Assert.Single(_receiver.Accepted);
        Assert.Equal(WebhookEventTypes.WebhookTest, received.Type);
        Assert.True(received.IsSignedWith(created.Secret));

        _receiver.Status = 500;
        var failed = await Webhooks.TestAsync(LocalWorkspace.Id, created.Endpoint.Id, Ct);
        Assert.Equal(WebhookDeliveryStatus.Failed, failed.Attempt!.Outcome);
        Assert.Equal(500, failed.Attempt.StatusCode);
        var (delivery, attempts) = await Webhooks.GetDeliveryAsync(LocalWorkspace.Id, failed.DeliveryId, Ct);
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Single(attempts);
        Assert.Equal(0, (await Webhooks.GetAsync(LocalWorkspace.Id, created.Endpoint.Id, Ct)).ConsecutiveFailures);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 30)]
    [InlineData(3, 120)]
    [InlineData(6, 3600)]
    [InlineData(7, 7200)]
    [InlineData(30, 7200)]
    public void Backoff_grows_to_two_hours_within_ten_percent_jitter(int attempt, int seconds)
    {
        var now = TestServices.Start;
        var low = WebhookDeliverer.NextAttemptAt(now, attempt, now, TimeSpan.FromDays(2), 0)!.Value - now;
        var high = WebhookDeliverer.NextAttemptAt(now, attempt, now, TimeSpan.FromDays(2), 0.999)!.Value - now;
        Assert.Equal(seconds * 0.9, low.TotalSeconds, 3);
        Assert.InRange(high.TotalSeconds, seconds * 1.09, seconds * 1.1);
    }

    [Fact]
    public void Retries_end_at_RetryFor_with_one_last_attempt_at_the_deadline()
    {
        var created = TestServices.Start;
        var nearEnd = created + TimeSpan.FromHours(23.5);
        Assert.Equal(created + TimeSpan.FromHours(24), WebhookDeliverer.NextAttemptAt(created, 10, nearEnd, TimeSpan.FromHours(24), 0.5));
        Assert.Null(WebhookDeliverer.NextAttemptAt(created, 11, created + TimeSpan.FromHours(24), TimeSpan.FromHours(24), 0.5));
    }

    /// <summary>A resolver a test points at any address, to play DNS rebinding.</summary>
    private sealed class SwitchableResolver : IHostResolver
    {
        public IPAddress Address { get; set; } = IPAddress.Parse("93.184.216.34");

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(new[] { Address });
    }
}
