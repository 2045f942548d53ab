using SocialMcp.Core.Validation.Text;

namespace SocialMcp.Tests.Validation;

public sealed class XUrlExtractorTests
{
    private static readonly XUrlExtractor Extractor = new(TopLevelDomains.Default);

    private static string[] Urls(string text) => Extractor.Find(text).Select(m => text.Substring(m.Start, m.Length)).ToArray();

    [Theory]
    [InlineData("http://example.com", "http://example.com")]
    [InlineData("HTTPS://www.ExaMPLE.COM/index.html", "HTTPS://www.ExaMPLE.COM/index.html")]
    [InlineData("go to https://example.com/path/to/resource?search=foo&lang=en now", "https://example.com/path/to/resource?search=foo&lang=en")]
    [InlineData("http://user.example.com:8080/login.php", "http://user.example.com:8080/login.php")]
    [InlineData("http://twitter.com/#!/twitter", "http://twitter.com/#!/twitter")]
    [InlineData("http://test_underscore.twitter.com", "http://test_underscore.twitter.com")]
    [InlineData("http://☃.net/", "http://☃.net/")]
    [InlineData("http://example.com/Русские_слова", "http://example.com/Русские_слова")]
    [InlineData("https://www.youtube.com/playlist?list=PL0ZPu8XSRTB7wZzn0mLHMvyzVFeRxbWn-", "https://www.youtube.com/playlist?list=PL0ZPu8XSRTB7wZzn0mLHMvyzVFeRxbWn-")]
    [InlineData("example.com", "example.com")]
    [InlineData("Visit www.example.com.", "www.example.com")]
    [InlineData("t.co", "t.co")]
    [InlineData("foo.co.jp", "foo.co.jp")]
    [InlineData("example.com/path/to/resource?search=foo&lang=en", "example.com/path/to/resource?search=foo&lang=en")]
    [InlineData("example.jp/path", "example.jp/path")]
    [InlineData("(see https://en.wikipedia.org/wiki/Rust_(programming_language))", "https://en.wikipedia.org/wiki/Rust_(programming_language)")]
    [InlineData("Wow, https://example.com/page!", "https://example.com/page")]
    [InlineData("https://example.com/a?", "https://example.com/a")]
    [InlineData("https://example.com，next", "https://example.com")]
    [InlineData("日本example.com", "example.com")]
    [InlineData("photos at studio.photography/gallery", "studio.photography/gallery")]
    public void Find_RecognisedUrl_ReturnsIt(string text, string expected) =>
        Assert.Equal([expected], Urls(text));

    [Theory]
    [InlineData("ftp://www.example.com/")]
    [InlineData("http://localhost/")]
    [InlineData("http://192.168.0.1/index.html")]
    [InlineData("http://domain-dash_2314352345_dfasd.foo-cow_4352.com")]
    [InlineData("http://www.-domain4352.com/")]
    [InlineData("http://www.domain4352-.com/")]
    [InlineData("http://test.-twitter.com")]
    [InlineData("user@example.com")]
    [InlineData("#example.com")]
    [InlineData("$example.com")]
    [InlineData("file.txt")]
    [InlineData("e.g. this")]
    [InlineData("example.jp")] // a bare two-label country-code domain needs a path
    [InlineData("example.comics")]
    [InlineData("randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com")] // a 64-character label
    [InlineData("xhttp://example.com")]
    [InlineData("日本.com")] // a scheme-less host is ASCII only
    public void Find_NotAUrl_ReturnsNothing(string text) =>
        Assert.Empty(Urls(text));

    [Fact]
    public void Find_SeveralUrls_ReturnsEachInOrder() =>
        Assert.Equal(["https://a.com/x", "b.org", "http://c.net"], Urls("https://a.com/x and b.org, then http://c.net."));

    [Fact]
    public void Find_HostLongerThanDnsAllows_IsNotAUrl() =>
        Assert.Empty(Urls("https://" + string.Concat(Enumerable.Repeat("abcdefghi.", 30)) + "com"));

    [Fact]
    public void Find_LongTextOfDottedLabels_FindsNothingAndFinishes() =>
        Assert.Empty(Urls(string.Concat(Enumerable.Repeat("co.-x.", 15000))));

    [Fact]
    public void Find_ExtraTopLevelDomain_IsRecognised()
    {
        var extractor = new XUrlExtractor(new TopLevelDomains(["example"]));
        Assert.Single(extractor.Find("see foo.example"));
        Assert.Empty(Extractor.Find("see foo.example"));
    }
}
