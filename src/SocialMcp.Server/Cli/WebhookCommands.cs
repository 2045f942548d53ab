using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Webhooks;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Tools;

namespace SocialMcp.Server.Cli;

/// <summary>
/// <c>webhooks create|list|delete|test|rotate|deliveries|replay</c>: the webhook tools from the command line (docs/webhooks.md).
/// Each prints the same JSON the tool answers; create and rotate print the secret, once.
/// </summary>
public static class WebhookCommands
{
    public static Command Create(Option<string?> db)
    {
        var workspace = new Option<string>("--workspace") { Description = "Workspace id or name.", DefaultValueFactory = _ => LocalWorkspace.Id };
        var id = new Argument<string>("webhook") { Description = "The webhook's id (whk_…)." };

        var url = new Option<string>("--url") { Description = "The receiver's https URL.", Required = true };
        var description = new Option<string?>("--description") { Description = "A note for people." };
        var events = new Option<string[]>("--events")
        {
            Description = "Event types, comma- or space-separated. Default: all.",
            AllowMultipleArgumentsPerToken = true,
        };
        var create = new Command("create", "Create a webhook endpoint; prints its signing secret once.") { url, description, events, workspace };
        create.SetAction((result, ct) => RunAsync(result, db, workspace, ct, async (webhooks, workspaceId, now) =>
        {
            var types = (result.GetValue(events) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var created = await webhooks.CreateAsync(workspaceId, result.GetValue(url)!, result.GetValue(description), types.Count == 0 ? null : types, ct);
            await Console.Error.WriteLineAsync("Store the secret now: it is not shown again.");
            return new WebhookSecretResult($"Created webhook {created.Endpoint.Id}.", created.Endpoint.ToResult(now), created.Secret);
        }));

        var list = new Command("list", "List webhook endpoints (never their secrets).") { workspace };
        list.SetAction((result, ct) => RunAsync(result, db, workspace, ct, async (webhooks, workspaceId, now) =>
        {
            var endpoints = await webhooks.ListAsync(workspaceId, ct);
            return new WebhookListResult($"{endpoints.Count} webhook endpoint(s).", endpoints.Select(e => e.ToResult(now)).ToList());
        }));

        var delete = new Command("delete", "Delete a webhook endpoint with its pending deliveries and log.") { id, workspace };
        delete.SetAction((result, ct) => RunAsync(result, db, workspace, ct, async (webhooks, workspaceId, _) =>
        {
            var deleted = await webhooks.DeleteAsync(workspaceId, result.GetValue(id)!, ct);
            return new WebhookDeletedResult($"Deleted webhook {deleted.Id}.", deleted.Id, deleted.Url);
        }));

        var test = new Command("test", "Send a webhook.test event now and print how the attempt went.") { id, workspace };
        test.SetAction((result, ct) => RunAsync(result, db, workspace, ct, async (webhooks, workspaceId, _) =>
        {
            var sent = await webhooks.TestAsync(workspaceId, result.GetValue(id)!, ct);
            var attempt = sent.Attempt;
            return new WebhookTestToolResult(attempt?.Outcome == WebhookDeliveryStatus.Succeeded ? "Delivered." : $"Failed: {attempt?.Error ?? "the endpoint is gone"}",
                sent.EventId, sent.DeliveryId, attempt?.Outcome ?? WebhookDeliveryStatus.Cancelled, attempt?.StatusCode, attempt?.LatencyMs, attempt?.Error);
        }));

        var rotate = new Command("rotate", "Rotate the signing secret; prints the new one once (the old one signs too during Webhooks:SecretOverlap).") { id, workspace };
        rotate.SetAction((result, ct) => RunAsync(result, db, workspace, ct, async (webhooks, workspaceId, now) =>
        {
            var rotated = await webhooks.RotateSecretAsync(workspaceId, result.GetValue(id)!, ct);
            await Console.Error.WriteLineAsync("Store the secret now: it is not shown again.");
            return new WebhookSecretResult($"Rotated the secret of {rotated.Endpoint.Id}.", rotated.Endpoint.ToResult(now), rotated.Secret);
        }));

        var webhookFilter = new Option<string?>("--webhook") { Description = "Only this endpoint's deliveries (whk_…)." };
        var status = new Option<string?>("--status") { Description = "pending, succeeded, failed or cancelled." };
        var eventType = new Option<string?>("--event-type") { Description = "Only this event type." };
        var from = new Option<string?>("--from") { Description = "Events created at or after (ISO 8601 with an offset)." };
        var to = new Option<string?>("--to") { Description = "Events created before (ISO 8601 with an offset)." };
        var limit = new Option<int>("--limit") { Description = "At most this many (1-200).", DefaultValueFactory = _ => 50 };
        var deliveryOption = new Option<string?>("--delivery") { Description = "One delivery (dlv_…) with all its attempts." };
        var deliveries = new Command("deliveries", "Print the delivery log, newest first.") { webhookFilter, status, eventType, from, to, limit, deliveryOption, workspace };
        deliveries.SetAction((result, ct) => RunAsync(result, db, workspace, ct, async (webhooks, workspaceId, _) =>
        {
            if (result.GetValue(deliveryOption) is { } deliveryId)
            {
                var (delivery, attempts) = await webhooks.GetDeliveryAsync(workspaceId, deliveryId, ct);
                return new WebhookDeliveriesResult($"Delivery {delivery.Id}: {delivery.Status}.", [delivery.ToResult()], attempts.Select(a => a.ToResult()).ToList());
            }
            var query = new WebhookDeliveryQuery(result.GetValue(webhookFilter), result.GetValue(status), result.GetValue(eventType),
                ZonedTimes.ParseOptional(result.GetValue(from), null, "--from"), ZonedTimes.ParseOptional(result.GetValue(to), null, "--to"), result.GetValue(limit));
            var list = await webhooks.ListDeliveriesAsync(workspaceId, query, ct);
            return new WebhookDeliveriesResult($"{list.Count} deliver(ies).", list.Select(d => d.ToResult()).ToList(), null);
        }));

        var replayDelivery = new Option<string?>("--delivery") { Description = "Replay this delivery (dlv_…)." };
        var replayWebhook = new Option<string?>("--webhook") { Description = "With --from and --to: replay this endpoint's events of that range." };
        var replay = new Command("replay", "Send events again with the same webhook-id: one delivery, or a time range of an endpoint.")
            { replayDelivery, replayWebhook, from, to, workspace };
        replay.SetAction((result, ct) => RunAsync(result, db, workspace, ct, async (webhooks, workspaceId, _) =>
        {
            WebhookReplay replayed;
            if (result.GetValue(replayDelivery) is { } deliveryId)
                replayed = await webhooks.ReplayDeliveryAsync(workspaceId, deliveryId, ct);
            else if (result.GetValue(replayWebhook) is { } webhookId && result.GetValue(from) is { } f && result.GetValue(to) is { } t)
                replayed = await webhooks.ReplayRangeAsync(workspaceId, webhookId, ZonedTimes.Parse(f, null, "--from"), ZonedTimes.Parse(t, null, "--to"), ct);
            else
                throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, "Give --delivery, or --webhook with --from and --to.", "--delivery")]);
            return new WebhookReplayResult($"Queued {replayed.DeliveryIds.Count} replay deliver(ies); a running server or service sends them.",
                replayed.DeliveryIds, replayed.EventIds);
        }));

        return new Command("webhooks", "Manage webhook endpoints, read their delivery log and replay deliveries.")
            { create, list, delete, test, rotate, deliveries, replay };
    }

    private static Task<int> RunAsync<T>(ParseResult result, Option<string?> db, Option<string> workspace, CancellationToken cancellationToken,
        Func<WebhookService, string, DateTimeOffset, Task<T>> work) =>
        AdminCommands.RunAsync(result.GetValue(db), async services =>
        {
            var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(result.GetValue(workspace)!, cancellationToken);
            var answer = await work(services.GetRequiredService<WebhookService>(), target.Id, services.GetRequiredService<TimeProvider>().GetUtcNow());
            Console.WriteLine(JsonSerializer.Serialize(answer, SocialJson.Options));
            return 0;
        }, cancellationToken);
}
