using System.Text;
using System.Text.Encodings.Web;
using SocialMcp.Core.Access;

namespace SocialMcp.Server.Authorization;

/// <summary>The consent page's HTML: plain server-rendered forms, no script. Every value shown is HTML-encoded.</summary>
internal static class ConsentPages
{
    public static readonly IReadOnlyDictionary<string, string> ScopeDescriptions = new Dictionary<string, string>
    {
        [Scopes.PostsRead] = "Read posts, their status and the media library",
        [Scopes.PostsWrite] = "Draft, edit, schedule and cancel posts; upload media",
        [Scopes.PostsPublish] = "Publish posts and withdraw published ones",
        [Scopes.AccountsRead] = "See connected accounts and platform sets",
        [Scopes.AccountsWrite] = "Connect accounts and change platform sets",
        [Scopes.WebhooksWrite] = "Manage webhook endpoints, see their delivery log and replay deliveries",
        [Scopes.PostsApprove] = "Approve or reject what an agent asked to publish, schedule or withdraw",
    };

    private static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    private static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · SocialMcp</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
        fieldset{border:1px solid #ccc;padding:1rem}label{display:block;margin:.4rem 0}code{background:#f3f3f3;padding:0 .2rem}
        .error{color:#a00}button{margin:.5rem .5rem 0 0;padding:.4rem 1rem}table{border-collapse:collapse}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style>
        </head><body><h1>{{E(title)}}</h1>
        {{body}}
        </body></html>
        """;

    private static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">";

    public static string SignIn(string antiforgeryField, string antiforgeryToken, string returnUrl, string? error, string? workspace, string? name) => Page(
        "Sign in to approve a client",
        $"""
        <p>An MCP client asks to act on a SocialMcp workspace. Sign in with an operator credential of that workspace
        (created with <code>socialmcp admin create</code>).</p>
        {(error is null ? "" : $"<p class=\"error\">{E(error)}</p>")}
        <form method="post" action="{AuthorizationPaths.SignIn}">
        {Hidden(antiforgeryField, antiforgeryToken)}{Hidden("return_url", returnUrl)}
        <label>Workspace (id or name) <input name="workspace" value="{E(workspace ?? "local")}" required></label>
        <label>Operator name <input name="name" value="{E(name)}" autocomplete="username" required></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
        </form>
        """);

    public static string Consent(
        string antiforgeryField, string antiforgeryToken, IEnumerable<KeyValuePair<string, string>> requestParameters,
        string operatorName, string workspaceName, string clientName, string clientId, string redirectUri, string resource,
        IReadOnlyList<string> offeredScopes, string? error)
    {
        var hidden = new StringBuilder();
        foreach (var (name, value) in requestParameters)
            hidden.Append(Hidden(name, value));
        var scopes = new StringBuilder();
        foreach (var scope in offeredScopes)
            scopes.Append($"<label><input type=\"checkbox\" name=\"granted_scope\" value=\"{E(scope)}\" checked> <code>{E(scope)}</code> — {E(ScopeDescriptions.GetValueOrDefault(scope, scope))}</label>");
        return Page("Approve an MCP client", $"""
            <p>Signed in as <strong>{E(operatorName)}</strong> for workspace <strong>{E(workspaceName)}</strong>.</p>
            {(error is null ? "" : $"<p class=\"error\">{E(error)}</p>")}
            <p><strong>{E(clientName)}</strong> asks for access to this workspace through <code>{E(resource)}</code>.</p>
            <ul><li>Client id: <code>{E(clientId)}</code></li><li>After you decide, your browser goes to: <code>{E(redirectUri)}</code></li></ul>
            <form method="post" action="{AuthorizationPaths.Authorize}">
            {Hidden(antiforgeryField, antiforgeryToken)}{hidden}
            <fieldset><legend>Scopes to grant (uncheck any you do not want to give)</legend>{scopes}</fieldset>
            <button type="submit" name="decision" value="approve">Approve</button>
            <button type="submit" name="decision" value="deny">Deny</button>
            </form>
            <p><a href="{AuthorizationPaths.Clients}">Approved clients</a></p>
            """);
    }

    public static string Clients(string antiforgeryField, string antiforgeryToken, string operatorName, string workspaceName,
        IReadOnlyList<ApprovedClient> clients, string? notice)
    {
        var rows = new StringBuilder();
        foreach (var client in clients)
        {
            var scopes = string.Join(" ", client.Approvals.SelectMany(a => a.Scopes).Distinct());
            var since = client.Approvals.Min(a => a.ApprovedAt)?.ToString("u") ?? "";
            rows.Append($"""
                <tr><td>{E(client.Name)}<br><code>{E(client.ClientId)}</code></td><td><code>{E(scopes)}</code></td><td>{E(since)}</td>
                <td><form method="post" action="{AuthorizationPaths.Clients}">{Hidden(antiforgeryField, antiforgeryToken)}{Hidden("client_id", client.ClientId)}
                <button type="submit">Revoke</button></form></td></tr>
                """);
        }
        return Page("Approved clients", $"""
            <p>Signed in as <strong>{E(operatorName)}</strong> for workspace <strong>{E(workspaceName)}</strong>.
            Revoking a client ends its access at once: its tokens stop working and it must be approved again.</p>
            {(notice is null ? "" : $"<p>{E(notice)}</p>")}
            {(clients.Count == 0 ? "<p>No client is approved for this workspace.</p>" : $"<table><tr><th>Client</th><th>Scopes</th><th>Approved</th><th></th></tr>{rows}</table>")}
            <form method="post" action="{AuthorizationPaths.SignOut}">{Hidden(antiforgeryField, antiforgeryToken)}<button type="submit">Sign out</button></form>
            """);
    }

    public static string Problem(string title, string message) => Page(title, $"<p class=\"error\">{E(message)}</p>");
}
