using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// The server's signing and encryption keys, kept in the authorization database (private parts protected with Data
/// Protection) so that tokens survive a restart and every instance on the same database signs and reads the same
/// tokens. The first instance to start creates them; a second that races it keeps the stored ones.
/// </summary>
internal sealed class ServerKeys(IServiceScopeFactory scopes, IDataProtectionProvider dataProtection, TimeProvider time)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public const string SigningKeyId = "signing-1";
    public const string EncryptionKeyId = "encryption-1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("SocialMcp.Authorization.ServerKeys");

    public void Configure(OpenIddictServerOptions options)
    {
        using var scope = scopes.CreateScope();
        var database = scope.ServiceProvider.GetRequiredService<AuthorizationDatabase>();
        database.EnsureCreated();
        var context = scope.ServiceProvider.GetRequiredService<AuthorizationDbContext>();

        var signing = LoadOrCreate(context, SigningKeyId);
        var encryption = LoadOrCreate(context, EncryptionKeyId);
        options.SigningCredentials.Add(new SigningCredentials(signing, SecurityAlgorithms.RsaSha256));
        options.EncryptionCredentials.Add(new EncryptingCredentials(encryption, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    private RsaSecurityKey LoadOrCreate(AuthorizationDbContext context, string id)
    {
        if (context.ServerKeys.AsNoTracking().SingleOrDefault(k => k.Id == id) is not { } stored)
        {
            using var rsa = RSA.Create(2048);
            var pkcs8 = rsa.ExportPkcs8PrivateKey();
            context.ServerKeys.Add(new ServerKey
            {
                Id = id,
                ProtectedPrivateKey = Convert.ToBase64String(_protector.Protect(pkcs8)),
                CreatedAt = time.GetUtcNow(),
            });
            try
            {
                context.SaveChanges();
            }
            catch (DbUpdateException)
            {
                // Another instance stored its key first: use that one.
            }
            context.ChangeTracker.Clear();
            stored = context.ServerKeys.AsNoTracking().Single(k => k.Id == id);
        }

        var key = RSA.Create();
        key.ImportPkcs8PrivateKey(_protector.Unprotect(Convert.FromBase64String(stored.ProtectedPrivateKey)), out _);
        return new RsaSecurityKey(key) { KeyId = id };
    }
}
