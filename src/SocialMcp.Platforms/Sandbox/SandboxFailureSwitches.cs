using System.Text.Json;
using System.Text.Json.Nodes;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Storage;

namespace SocialMcp.Platforms.Sandbox;

/// <summary>
/// Sets the switches that make a sandbox account fail on purpose (<see cref="SandboxPublisher"/> reads them from the
/// account's metadata, <c>{"sandbox": {"failPublish": …, "failWithdraw": …}}</c>), so every error path can be tried
/// from the command line. Only sandbox accounts: a real account's metadata is never touched.
/// </summary>
public sealed class SandboxFailureSwitches(IStore store, TimeProvider time)
{
    public const string Off = "off";

    /// <param name="setIdOrName">The set (id or name); null for the workspace's default set.</param>
    /// <param name="failPublish">A code of <see cref="SandboxPublisher.SimulatedFailures"/>, <see cref="Off"/>, or null to leave as it is.</param>
    /// <param name="failWithdraw">The same, for withdrawals.</param>
    public Task<SandboxSwitchState> SetAsync(string workspaceId, Platform platform, string? setIdOrName, string? failPublish, string? failWithdraw,
        CancellationToken cancellationToken)
    {
        EnsureKnown(failPublish, "$.failPublish");
        EnsureKnown(failWithdraw, "$.failWithdraw");
        return store.WriteAsync(async session =>
        {
            var set = setIdOrName is null
                ? await session.PlatformSets.GetDefaultAsync(workspaceId, cancellationToken)
                : await session.PlatformSets.GetAsync(workspaceId, setIdOrName, cancellationToken)
                  ?? await session.PlatformSets.FindByNameAsync(workspaceId, setIdOrName, cancellationToken);
            if (set is null)
            {
                throw new NotFoundException(new Problem(ErrorCodes.PlatformSetNotFound,
                    $"No platform set '{setIdOrName ?? "(default)"}' exists in this workspace.", "$.set", Hint: "socialmcp sets list shows the sets."));
            }
            var account = (await session.Accounts.ListInSetAsync(workspaceId, set.Id, cancellationToken)).FirstOrDefault(a => a.Platform == platform);
            if (account is null || !account.IsSandbox)
            {
                throw new DomainValidationException([new Problem(ErrorCodes.PlatformNotConnected,
                    $"Set '{set.Name}' has no sandbox {platform.ToWireName()} account; the failure switches exist only on sandbox accounts.",
                    "$.platform", platform, "Pick a set with sandbox accounts (create_platform_set withSandboxAccounts).")]);
            }

            var metadata = account.Metadata.ValueKind == JsonValueKind.Object
                ? JsonNode.Parse(account.Metadata.GetRawText())!.AsObject()
                : new JsonObject();
            if (metadata["sandbox"] is not JsonObject switches)
            {
                switches = new JsonObject();
                metadata["sandbox"] = switches;
            }
            Apply(switches, "failPublish", failPublish);
            Apply(switches, "failWithdraw", failWithdraw);
            if (switches.Count == 0)
                metadata.Remove("sandbox");
            await session.Accounts.UpdateMetadataAsync(workspaceId, account.Id, metadata.ToJsonString(), time.GetUtcNow(), cancellationToken);
            return new SandboxSwitchState(account.Id, set.Name, platform,
                switches["failPublish"]?.GetValue<string>(), switches["failWithdraw"]?.GetValue<string>());
        }, cancellationToken);
    }

    private static void Apply(JsonObject switches, string key, string? value)
    {
        if (value is null)
            return;
        switches.Remove(key);
        if (!string.Equals(value, Off, StringComparison.OrdinalIgnoreCase))
            switches[key] = value.ToUpperInvariant();
    }

    private static void EnsureKnown(string? value, string path)
    {
        if (value is null || string.Equals(value, Off, StringComparison.OrdinalIgnoreCase) ||
            SandboxPublisher.SimulatedFailures.Contains(value.ToUpperInvariant()))
            return;
        throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed,
            $"'{value}' is not a failure the sandbox can simulate; use one of {string.Join(", ", SandboxPublisher.SimulatedFailures)}, or {Off}.", path)]);
    }
}

/// <summary>A sandbox account's failure switches after a change; null means it succeeds.</summary>
public sealed record SandboxSwitchState(string AccountId, string SetName, Platform Platform, string? FailPublish, string? FailWithdraw);
