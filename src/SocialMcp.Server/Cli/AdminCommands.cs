using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Access;
using SocialMcp.Core.Accounts;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Workspaces;
using SocialMcp.Platforms.Sandbox;
using SocialMcp.Server.Hosting;

namespace SocialMcp.Server.Cli;

/// <summary>
/// Operator commands: <c>workspaces create|list</c>, <c>keys create|list|revoke</c>, <c>accounts …</c> and
/// <c>sets list|default</c>. They open the same store
/// as the server (safe while it runs: SQLite WAL) and print to stdout — they are not MCP sessions.
/// </summary>
public static class AdminCommands
{
    public static void AddTo(RootCommand root, Option<string?> db)
    {
        root.Subcommands.Add(Workspaces(db));
        root.Subcommands.Add(Keys(db));
        var accounts = Accounts(db);
        accounts.Subcommands.Add(SandboxSwitches(db));
        root.Subcommands.Add(accounts);
        root.Subcommands.Add(PlatformSets(db));
        root.Subcommands.Add(EmulatorCommand.Create());
    }

    private static Command Workspaces(Option<string?> db)
    {
        var name = new Option<string>("--name") { Description = "The workspace's name (unique).", Required = true };
        var create = new Command("create", "Create a workspace with its own default platform set.") { name };
        create.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var workspace = await services.GetRequiredService<WorkspaceService>().CreateAsync(result.GetValue(name)!, ct);
            Console.WriteLine($"Created workspace {workspace.Id} ({workspace.Name}).");
        }, ct));

        var list = new Command("list", "List workspaces.");
        list.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            foreach (var workspace in await services.GetRequiredService<WorkspaceService>().ListAsync(ct))
                Console.WriteLine($"{workspace.Id}\t{workspace.Name}\tcreated {workspace.CreatedAt:O}");
        }, ct));

        return new Command("workspaces", "Manage workspaces (tenants).") { create, list };
    }

    private static Command Keys(Option<string?> db)
    {
        var workspace = new Option<string>("--workspace") { Description = "Workspace id or name.", Required = true };
        var name = new Option<string>("--name") { Description = "A label for the key, e.g. the agent using it.", Required = true };
        var scopes = new Option<string[]>("--scopes")
        {
            Description = $"Scopes, comma- or space-separated: {string.Join(", ", Scopes.Known)}. Default: all but posts:approve (name it to get it).",
            AllowMultipleArgumentsPerToken = true,
        };
        var create = new Command("create", "Create an API key; it is printed once and stored only as a hash.") { workspace, name, scopes };
        create.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var workspaces = services.GetRequiredService<WorkspaceService>();
            var target = await workspaces.ResolveAsync(result.GetValue(workspace)!, ct);
            var requested = (result.GetValue(scopes) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var (key, plaintext) = await workspaces.CreateKeyAsync(target.Id, result.GetValue(name)!, requested, ct);
            Console.WriteLine(plaintext);
            await Console.Error.WriteLineAsync($"Key {key.Id} for workspace {target.Name} with scopes {string.Join(" ", key.Scopes)}. Store it now: it is not shown again.");
        }, ct));

        var listWorkspace = new Option<string?>("--workspace") { Description = "Only this workspace (id or name)." };
        var list = new Command("list", "List API keys (ids and scopes, never the secrets).") { listWorkspace };
        list.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var workspaces = services.GetRequiredService<WorkspaceService>();
            var only = result.GetValue(listWorkspace) is { } w ? (await workspaces.ResolveAsync(w, ct)).Id : null;
            foreach (var key in await workspaces.ListKeysAsync(only, ct))
            {
                var state = key.IsRevoked ? $"revoked {key.RevokedAt:O}" : "active";
                Console.WriteLine($"{key.Id}\t{key.WorkspaceId}\t{key.Name}\t{string.Join(",", key.Scopes)}\t{state}\t{key.DisplayPrefix}");
            }
        }, ct));

        var keyId = new Argument<string>("key-id") { Description = "The key's id (from keys list)." };
        var revoke = new Command("revoke", "Revoke an API key at once.") { keyId };
        revoke.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var id = result.GetValue(keyId)!;
            if (!await services.GetRequiredService<WorkspaceService>().RevokeKeyAsync(id, ct))
                throw new NotFoundException(new Problem(ErrorCodes.ValidationFailed, $"No active key '{id}'.", null));
            Console.WriteLine($"Revoked key {id}.");
        }, ct));

        return new Command("keys", "Manage API keys for the HTTP transport.") { create, list, revoke };
    }

    private static Command Accounts(Option<string?> db)
    {
        var workspace = new Option<string>("--workspace") { Description = "Workspace id or name.", DefaultValueFactory = _ => LocalWorkspace.Id };
        var list = new Command("list", "List connected accounts (never their tokens).") { workspace };
        list.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(result.GetValue(workspace)!, ct);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            foreach (var account in await services.GetRequiredService<AccountConnections>().ListAsync(target.Id, ct))
            {
                var kind = account.IsSandbox ? "sandbox" : "real";
                Console.WriteLine($"{account.Id}\t{account.Platform.ToWireName()}\t{account.Handle}\t{kind}\t{TokenHealth.Of(account, now)}\tset {account.PlatformSetId}");
            }
        }, ct));

        var accountId = new Argument<string>("account-id") { Description = "The account's id (from accounts list)." };
        var remove = new Command("remove", "Disconnect an account that no post used.") { accountId, workspace };
        remove.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(result.GetValue(workspace)!, ct);
            var removed = await services.GetRequiredService<AccountConnections>().RemoveAsync(target.Id, result.GetValue(accountId)!, ct);
            Console.WriteLine($"Removed {removed.Platform.ToWireName()} account {removed.Handle}.");
        }, ct));

        return new Command("accounts", "Connect, list and remove platform accounts.")
            { ConnectCommands.Connect(db), ConnectCommands.ConnectLink(db), list, remove };
    }

    /// <summary><c>accounts sandbox</c>: the failure switches of a sandbox account, so every error path can be tried.</summary>
    private static Command SandboxSwitches(Option<string?> db)
    {
        var workspace = new Option<string>("--workspace") { Description = "Workspace id or name.", DefaultValueFactory = _ => LocalWorkspace.Id };
        var platform = new Option<string>("--platform") { Description = $"One of: {string.Join(", ", PlatformNames.AllWireNames)}.", Required = true };
        var set = new Option<string?>("--set") { Description = "Platform set id or name (default: the workspace's default set)." };
        var codes = $"{string.Join("|", SandboxPublisher.SimulatedFailures)}|off";
        var failPublish = new Option<string?>("--fail-publish") { Description = $"Make publishes fail with this code, or succeed again with off: {codes}." };
        var failWithdraw = new Option<string?>("--fail-withdraw") { Description = $"Make withdrawals fail with this code, or succeed again with off: {codes}." };
        var sandbox = new Command("sandbox", "Make a sandbox account fail publishes or withdrawals on purpose (or stop).")
            { workspace, platform, set, failPublish, failWithdraw };
        sandbox.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            if (!PlatformNames.TryParse(result.GetValue(platform), out var which))
                throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, $"Unknown platform '{result.GetValue(platform)}'.", "$.platform")]);
            var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(result.GetValue(workspace)!, ct);
            var state = await ActivatorUtilities.CreateInstance<SandboxFailureSwitches>(services).SetAsync(
                target.Id, which.Value, result.GetValue(set), result.GetValue(failPublish), result.GetValue(failWithdraw), ct);
            Console.WriteLine($"Sandbox {state.Platform.ToWireName()} account {state.AccountId} in set '{state.SetName}': " +
                $"publish {state.FailPublish ?? "succeeds"}, withdraw {state.FailWithdraw ?? "succeeds"}.");
        }, ct));
        return sandbox;
    }

    /// <summary><c>sets list|default</c>: the platform sets, and which one posts without a platformSetId use.</summary>
    private static Command PlatformSets(Option<string?> db)
    {
        var workspace = new Option<string>("--workspace") { Description = "Workspace id or name.", DefaultValueFactory = _ => LocalWorkspace.Id };
        var list = new Command("list", "List platform sets; the default one is marked.") { workspace };
        list.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(result.GetValue(workspace)!, ct);
            foreach (var summary in await services.GetRequiredService<AccountService>().ListPlatformSetsAsync(target.Id, ct))
                Console.WriteLine($"{summary.Set.Id}	{summary.Set.Name}	{summary.AccountCount} account(s){(summary.Set.IsDefault ? "	default" : "")}");
        }, ct));

        var name = new Argument<string>("set") { Description = "The set's name or id." };
        var makeDefault = new Command("default", "Make a platform set the workspace's default (used when a post names no platformSetId).")
            { name, workspace };
        makeDefault.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(result.GetValue(workspace)!, ct);
            var sets = services.GetRequiredService<PlatformSetService>();
            var set = await sets.FindAsync(target.Id, result.GetValue(name)!, ct);
            var summary = await sets.MakeDefaultAsync(target.Id, set.Id, ct);
            Console.WriteLine($"'{summary.Set.Name}' ({summary.Set.Id}) is now the default platform set of {target.Name}.");
        }, ct));

        return new Command("sets", "List platform sets and choose the default one.") { list, makeDefault };
    }

    private static Task<int> RunAsync(string? dbPath, Func<IServiceProvider, Task> work, CancellationToken cancellationToken) =>
        RunAsync(dbPath, async services =>
        {
            await work(services);
            return 0;
        }, cancellationToken);

    /// <summary>Runs one command against the store; a coded failure prints its message and hint to stderr and exits 1.</summary>
    internal static async Task<int> RunAsync(string? dbPath, Func<IServiceProvider, Task<int>> work, CancellationToken cancellationToken,
        Action<IServiceCollection>? addServices = null)
    {
        var overrides = new Dictionary<string, string?>();
        if (dbPath is not null)
            overrides["Storage:Path"] = dbPath;
        var builder = SocialMcpHost.CreateBuilder(overrides);
        addServices?.Invoke(builder.Services);
        using var host = builder.Build();
        await host.Services.InitializeStoreAsync(cancellationToken);
        try
        {
            return await work(host.Services);
        }
        catch (SocialMcpException ex)
        {
            await Console.Error.WriteLineAsync($"socialmcp: {ex.Message}{(ex.Problem.Hint is null ? "" : " " + ex.Problem.Hint)}");
            return 1;
        }
    }
}
