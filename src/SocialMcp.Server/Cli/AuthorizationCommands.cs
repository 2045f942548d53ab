using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.Authorization;
using SocialMcp.Server.Hosting;

namespace SocialMcp.Server.Cli;

/// <summary>
/// The authorization server's operator commands: <c>admin create|list|remove</c> (who may approve clients on the consent
/// page) and <c>clients list|revoke</c> (the clients operators approved). They open the authorization database beside the
/// main one, as <c>serve --http</c> does, and print to stdout.
/// </summary>
public static class AuthorizationCommands
{
    public static void AddTo(RootCommand root, Option<string?> db)
    {
        root.Subcommands.Add(Admin(db));
        root.Subcommands.Add(Clients(db));
    }

    private static Command Admin(Option<string?> db)
    {
        var workspace = new Option<string>("--workspace") { Description = "Workspace id or name.", Required = true };
        var name = new Option<string>("--name") { Description = "The operator's sign-in name on the consent page.", Required = true };
        var create = new Command("create", "Create a consent-page operator for a workspace; the password is printed once and stored only as a hash.")
            { workspace, name };
        create.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(result.GetValue(workspace)!, ct);
            var (created, password) = await services.GetRequiredService<WorkspaceOperators>().CreateAsync(target.Id, result.GetValue(name)!, ct);
            Console.WriteLine(password);
            await Console.Error.WriteLineAsync($"Operator {created.Id} '{created.Name}' for workspace {target.Name}: sign in on the consent page " +
                $"with workspace '{target.Name}', name '{created.Name}' and the password above. Store it now: it is not shown again.");
        }, ct));

        var listWorkspace = new Option<string?>("--workspace") { Description = "Only this workspace (id or name)." };
        var list = new Command("list", "List consent-page operators (never their passwords).") { listWorkspace };
        list.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var only = result.GetValue(listWorkspace) is { } w ? (await services.GetRequiredService<WorkspaceService>().ResolveAsync(w, ct)).Id : null;
            foreach (var found in await services.GetRequiredService<WorkspaceOperators>().ListAsync(only, ct))
                Console.WriteLine($"{found.Id}\t{found.WorkspaceId}\t{found.Name}\tcreated {found.CreatedAt:O}");
        }, ct));

        var operatorId = new Argument<string>("operator-id") { Description = "The operator's id (from admin list)." };
        var remove = new Command("remove", "Remove an operator: the password and any signed-in page stop working at once.") { operatorId };
        remove.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var id = result.GetValue(operatorId)!;
            if (!await services.GetRequiredService<WorkspaceOperators>().RemoveAsync(id, ct))
                throw new NotFoundException(new Problem(ErrorCodes.ValidationFailed, $"No operator '{id}'.", "$.operator-id", Hint: "See admin list."));
            Console.WriteLine($"Removed operator {id}.");
        }, ct));

        return new Command("admin", "Manage the operators who approve OAuth clients on the consent page (serve --http).") { create, list, remove };
    }

    private static Command Clients(Option<string?> db)
    {
        var listWorkspace = new Option<string?>("--workspace") { Description = "Only clients approved for this workspace (id or name)." };
        var list = new Command("list", "List registered OAuth clients and their approvals (never tokens).") { listWorkspace };
        list.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var only = result.GetValue(listWorkspace) is { } w ? (await services.GetRequiredService<WorkspaceService>().ResolveAsync(w, ct)).Id : null;
            foreach (var client in await services.GetRequiredService<ApprovedClients>().ListAsync(only, ct))
            {
                var approvals = client.Approvals.Count == 0
                    ? "not approved"
                    : string.Join("; ", client.Approvals.Select(a => $"{a.WorkspaceId} by {a.OperatorId}: {string.Join(",", a.Scopes)}"));
                Console.WriteLine($"{client.ClientId}\t{client.Name}\t{client.Registration}\t{string.Join(" ", client.RedirectUris)}\t{approvals}");
            }
        }, ct));

        var clientId = new Argument<string>("client-id") { Description = "The client's id (from clients list)." };
        var revokeWorkspace = new Option<string?>("--workspace")
        {
            Description = "Revoke only this workspace's approval (id or name). Without it the client is forgotten: its registration, approvals and tokens.",
        };
        var revoke = new Command("revoke", "Revoke an OAuth client: its tokens stop working at once.") { clientId, revokeWorkspace };
        revoke.SetAction((result, ct) => RunAsync(result.GetValue(db), async services =>
        {
            var id = result.GetValue(clientId)!;
            var only = result.GetValue(revokeWorkspace) is { } w ? (await services.GetRequiredService<WorkspaceService>().ResolveAsync(w, ct)).Id : null;
            if (!await services.GetRequiredService<ApprovedClients>().RevokeAsync(id, only, ct))
                throw new NotFoundException(new Problem(ErrorCodes.ValidationFailed, $"No client '{id}' to revoke{(only is null ? "" : " in that workspace")}.",
                    "$.client-id", Hint: "See clients list."));
            Console.WriteLine(only is null ? $"Revoked client {id}: its registration, approvals and tokens are gone." : $"Revoked client {id} in workspace {only}.");
        }, ct));

        return new Command("clients", "List and revoke the OAuth clients operators approved (serve --http).") { list, revoke };
    }

    private static Task<int> RunAsync(string? dbPath, Func<IServiceProvider, Task> work, CancellationToken cancellationToken) =>
        AdminCommands.RunAsync(dbPath, async services =>
        {
            await work(services);
            return 0;
        }, cancellationToken, services => services.AddSocialMcpAuthorizationStore());
}
