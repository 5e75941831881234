using System;
using System.IO;
using System.Reflection;
using KinesisVideoWebRTCStorage.Hosting;
using KinesisVideoWebRTCStorage.Tests.PowerShell;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.Hosting
{
    /// <summary>
    /// The resolver Windows PowerShell 5.1 needs (no binding redirects there), decided here on .NET 10 with the
    /// module folder the build made. Loading from a file is exercised with assemblies this test process already has,
    /// so nothing new enters it.
    /// </summary>
    public sealed class ModuleAssemblyResolverTests
    {
        private const string BouncyCastleToken = "072edcf4a5328938";
        private readonly ModuleAssemblyResolver resolver = new ModuleAssemblyResolver(ModuleMetadata.ModuleBin);

        [Fact]
        public void AnOlderVersionIsAnsweredWithTheLoadedCopy()
        {
            var loaded = typeof(FactAttribute).Assembly;
            var name = loaded.GetName();
            var asked = $"{name.Name}, Version=1.0.0.0, Culture=neutral, PublicKeyToken={Hex(name.GetPublicKeyToken()!)}";
            Assert.Same(loaded, resolver.Resolve(asked, new[] { typeof(object).Assembly, loaded }));
        }

        [Fact]
        public void AnOlderVersionIsAnsweredWithTheShippedFile()
        {
            var shipped = AssemblyName.GetAssemblyName(Path.Combine(ModuleMetadata.ModuleBin, "BouncyCastle.Cryptography.dll"));
            var answer = resolver.Resolve($"BouncyCastle.Cryptography, Version=1.0.0.0, Culture=neutral, PublicKeyToken={BouncyCastleToken}", Array.Empty<Assembly>());
            Assert.NotNull(answer);
            Assert.Equal(shipped.Version, answer!.GetName().Version);
        }

        [Theory]
        [InlineData("BouncyCastle.Cryptography, Version=99.0.0.0, Culture=neutral, PublicKeyToken=" + BouncyCastleToken)] // newer than shipped
        [InlineData("BouncyCastle.Cryptography, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef")] // another signer
        [InlineData("Not.Shipped.Anywhere, Version=1.0.0.0")]
        [InlineData("..\\..\\etc\\passwd")]
        [InlineData("")]
        [InlineData("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51, Extra=,,=")]
        public void AnythingElseIsLeftToTheRuntime(string asked) =>
            Assert.Null(resolver.Resolve(asked, Array.Empty<Assembly>()));

        [Fact]
        public void ALoadedCopyOlderThanAskedIsNotUsed()
        {
            var loaded = typeof(FactAttribute).Assembly;
            var name = loaded.GetName();
            Assert.Null(resolver.Resolve($"{name.Name}, Version=999.0.0.0, Culture=neutral, PublicKeyToken={Hex(name.GetPublicKeyToken()!)}", new[] { loaded }));
        }

        private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
    }
}
