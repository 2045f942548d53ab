using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Tests.Validation;

public sealed class LinkedInLittleTextTests
{
    [Theory]
    [InlineData("Plain text, nothing reserved.", "Plain text, nothing reserved.")]
    [InlineData("", "")]
    [InlineData("#launch", "\\#launch")]
    [InlineData("@[Ada](urn:li:person:123)", "\\@\\[Ada\\]\\(urn:li:person:123\\)")]
    [InlineData("a|b{c}d<e>f*g_h~i", "a\\|b\\{c\\}d\\<e\\>f\\*g\\_h\\~i")]
    [InlineData("C:\\path", "C:\\\\path")]
    [InlineData("日本 😀 #タグ", "日本 😀 \\#タグ")]
    public void Escape_ReservedCharacters_AreBackslashEscaped(string text, string expected) =>
        Assert.Equal(expected, LinkedInLittleText.Escape(text));

    [Fact]
    public void Escape_EveryReservedCharacter_GetsOneBackslash()
    {
        const string reserved = "|{}@[]()<>#\\*_~";

        var escaped = LinkedInLittleText.Escape(reserved);

        Assert.Equal(reserved.Length * 2, escaped.Length);
        for (var i = 0; i < reserved.Length; i++)
            Assert.Equal(("\\" + reserved[i]), escaped.Substring(i * 2, 2));
    }

    [Fact]
    public void Escape_Null_Throws() =>
        Assert.Throws<ArgumentNullException>(() => LinkedInLittleText.Escape(null!));
}
