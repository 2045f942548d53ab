using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace SocialMcp.Platforms.Tokens.KeyRing;

/// <summary>
/// The Data Protection key directory, readable by its owner only on Unix: the directory 0700, each key file 0600.
/// Data Protection 10 already writes new key files 0600, but creates the directory with the default mode and leaves
/// files written by earlier versions as they are (0644), so both are tightened when the directory is opened (at
/// start-up) and after each new key, whatever the runtime does.
/// </summary>
public sealed class OwnerOnlyKeyDirectory : FileSystemXmlRepository
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private OwnerOnlyKeyDirectory(DirectoryInfo directory, ILoggerFactory loggerFactory) : base(directory, loggerFactory)
    {
    }

    /// <summary>Creates (or tightens) the directory and its files, then serves it as the key repository.</summary>
    public static OwnerOnlyKeyDirectory Open(string path, ILoggerFactory loggerFactory)
    {
        var directory = OperatingSystem.IsWindows()
            ? System.IO.Directory.CreateDirectory(path)
            : System.IO.Directory.CreateDirectory(path, DirectoryMode);
        Tighten(directory);
        return new OwnerOnlyKeyDirectory(directory, loggerFactory);
    }

    public override void StoreElement(XElement element, string friendlyName)
    {
        base.StoreElement(element, friendlyName);
        Tighten(Directory);
    }

    private static void Tighten(DirectoryInfo directory)
    {
        if (OperatingSystem.IsWindows())
            return; // NTFS ACLs of the user profile apply there; DPAPI protects the content.
        if ((File.GetUnixFileMode(directory.FullName) & ~DirectoryMode) != 0)
            File.SetUnixFileMode(directory.FullName, DirectoryMode);
        foreach (var file in directory.EnumerateFiles("*.xml"))
        {
            if ((file.UnixFileMode & ~FileMode) != 0)
                file.UnixFileMode = FileMode;
        }
    }
}
