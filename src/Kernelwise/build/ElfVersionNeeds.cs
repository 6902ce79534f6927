// ElfVersionNeeds.cs: reads the symbol-version requirements of an ELF64 little-endian shared library and marks chosen
// ones weak (VER_FLG_WEAK), so that the dynamic loader accepts the library where the version is missing.
//
// One implementation, compiled twice:
//   - into the Kernelwise library (KERNELWISE_LIBRARY is defined there), for the run-time loader in
//     Platform/NativeLibraryLoader.cs, which weakens a copy kept in a per-user cache;
//   - by MSBuild's RoslynCodeTaskFactory from Kernelwise.targets (next to this file, here and in the package), for the
//     build task below, which weakens the copy in a build or publish output.
// The task factory compiles against netstandard 2.0 reference assemblies, so this file uses byte arrays and
// BitConverter only (no spans, no BinaryPrimitives).
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

#if !KERNELWISE_LIBRARY
/// <summary>MSBuild task: marks the named version requirements weak in each file, where no relocation uses them.</summary>
public class KernelwiseWeakenElfVersionNeeds : Microsoft.Build.Utilities.Task
{
    /// <summary>The libraries to patch in place (each written to a temporary file and renamed over the original).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = new Microsoft.Build.Framework.ITaskItem[0];

    /// <summary>Version names separated by ';' or ',', e.g. GLIBCXX_3.4.32.</summary>
    [Microsoft.Build.Framework.Required]
    public string VersionNames { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        var names = new HashSet<string>(VersionNames.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries));
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            byte[] bytes = File.ReadAllBytes(path);
            if (!Kernelwise.Platform.ElfImage.IsElf64LittleEndian(bytes)) continue; // other platforms' libraries are left alone
            Kernelwise.Platform.ElfImage image;
            try
            {
                image = Kernelwise.Platform.ElfImage.Parse(bytes, path);
            }
            catch (InvalidDataException e)
            {
                Log.LogWarning("Kernelwise: " + e.Message + " Left unpatched.");
                continue;
            }
            var changed = image.Weaken(names, out var refused);
            foreach (var r in refused)
                Log.LogWarning("Kernelwise: did not mark " + r.Name + " weak in " + path + ": relocations use symbols bound to it (" + string.Join(", ", image.RelocatedSymbolsOf(r)) + "), so the library needs it.");
            if (changed.Count == 0) continue;
            // Write a new file and rename it over the old one: a hard link to the NuGet cache is broken, not edited.
            string tmp = path + ".kernelwise-tmp";
            File.Copy(path, tmp, true); // a fresh file with the same permissions
            using (var fs = new FileStream(tmp, FileMode.Truncate, FileAccess.Write)) { fs.Write(bytes, 0, bytes.Length); fs.Flush(true); }
            File.Delete(path);
            File.Move(tmp, path);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                "Kernelwise: marked " + string.Join(", ", changed) + " weak in " + path);
        }
        return !Log.HasLoggedErrors;
    }
}
#endif

namespace Kernelwise.Platform
{
    /// <summary>One version requirement of an ELF file (an entry of <c>.gnu.version_r</c>): version <see cref="Name"/> of <see cref="File"/>.</summary>
    internal sealed class ElfVersionNeed
    {
        internal ElfVersionNeed(string file, string name, uint hash, ushort flags, ushort index, int flagsOffset)
        {
            File = file;
            Name = name;
            Hash = hash;
            Flags = flags;
            Index = index;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library the version must come from, as named in DT_NEEDED (e.g. <c>libstdc++.so.6</c>).</summary>
        public string File { get; }

        /// <summary>The version name (e.g. <c>GLIBCXX_3.4.32</c>).</summary>
        public string Name { get; }

        /// <summary>The ELF hash of <see cref="Name"/> that the loader compares first.</summary>
        public uint Hash { get; }

        /// <summary><c>vna_flags</c>; bit <see cref="ElfImage.WeakFlag"/> makes a missing version acceptable.</summary>
        public ushort Flags { get; internal set; }

        /// <summary><c>vna_other</c>: the index symbols use in <c>.gnu.version</c> to say they are bound to this version.</summary>
        public ushort Index { get; }

        /// <summary>File offset of <c>vna_flags</c>.</summary>
        public int FlagsOffset { get; }

        /// <summary>Whether the requirement is already weak.</summary>
        public bool IsWeak => (Flags & ElfImage.WeakFlag) != 0;

        /// <inheritdoc />
        public override string ToString() => Name + " (" + File + ")";
    }

    /// <summary>
    /// The dynamic-linking facts of an ELF64 little-endian file that decide whether the loader accepts it: DT_NEEDED,
    /// SONAME and RUNPATH, the version requirements (<c>.gnu.version_r</c>), the versions it defines
    /// (<c>.gnu.version_d</c>), and which dynamic symbols its relocations use (<c>.dynsym</c>, <c>.gnu.version</c>,
    /// <c>.rela.*</c>). Reads from a byte array; <see cref="Weaken"/> edits that array.
    /// </summary>
    internal sealed class ElfImage
    {
        /// <summary>VER_FLG_WEAK: a missing version is tolerated by the dynamic loader.</summary>
        public const ushort WeakFlag = 0x2;

        private const uint ShtRela = 4, ShtDynamic = 6, ShtRel = 9, ShtDynsym = 11;
        private const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
        private const long DtNeeded = 1, DtSoname = 14, DtRpath = 15, DtRunpath = 29;

        private readonly byte[] _b;
        private readonly string _path;
        private readonly List<string> _needed = new List<string>();
        private readonly List<string> _runPath = new List<string>();
        private readonly List<ElfVersionNeed> _needs = new List<ElfVersionNeed>();
        private readonly List<string> _definitions = new List<string>();
        private readonly List<string> _symbolNames = new List<string>();
        private ushort[] _symbolVersions = new ushort[0];
        private readonly HashSet<int> _relocatedSymbols = new HashSet<int>();

        private readonly bool _symbols;

        private ElfImage(byte[] bytes, string path, bool symbols)
        {
            _b = bytes;
            _path = path;
            _symbols = symbols;
        }

        /// <summary>The bytes read (and edited by <see cref="Weaken"/>).</summary>
        public byte[] Bytes => _b;

        /// <summary>DT_NEEDED entries in order.</summary>
        public IList<string> Needed => _needed;

        /// <summary>DT_SONAME, or null.</summary>
        public string? SoName { get; private set; }

        /// <summary>DT_RUNPATH (or DT_RPATH) folders, unexpanded (<c>$ORIGIN</c> as written).</summary>
        public IList<string> RunPath => _runPath;

        /// <summary>Every version requirement.</summary>
        public IList<ElfVersionNeed> VersionNeeds => _needs;

        /// <summary>The names of the versions this file defines (for a library such as libstdc++: GLIBCXX_3.4, ...).</summary>
        public IList<string> VersionDefinitions => _definitions;

        /// <summary>Whether the bytes start like an ELF64 little-endian file (the only kind read here).</summary>
        public static bool IsElf64LittleEndian(byte[] b) =>
            b.Length >= 64 && b[0] == 0x7F && b[1] == (byte)'E' && b[2] == (byte)'L' && b[3] == (byte)'F' && b[4] == 2 && b[5] == 1;

        /// <summary>Reads the file at <paramref name="path"/>.</summary>
        /// <param name="path">The file.</param>
        /// <param name="symbols">False skips the symbol and relocation tables (for a library's definitions and SONAME only).</param>
        /// <exception cref="InvalidDataException">Not an ELF64 little-endian file, or its tables point outside the file.</exception>
        public static ElfImage Read(string path, bool symbols = true) => Parse(File.ReadAllBytes(path), path, symbols);

        /// <summary>Reads <paramref name="bytes"/>; <paramref name="path"/> only names the file in error messages.</summary>
        /// <param name="bytes">The file's content.</param>
        /// <param name="path">The file's name, for messages.</param>
        /// <param name="symbols">False skips the symbol and relocation tables (for a library's definitions and SONAME only).</param>
        /// <exception cref="InvalidDataException">Not an ELF64 little-endian file, or its tables point outside the file.</exception>
        public static ElfImage Parse(byte[] bytes, string path, bool symbols = true)
        {
            if (bytes == null) throw new ArgumentNullException(nameof(bytes));
            if (!IsElf64LittleEndian(bytes))
                throw new InvalidDataException("File '" + path + "' is not an ELF64 little-endian file (its first bytes are not 7F 45 4C 46 02 01).");
            var image = new ElfImage(bytes, path, symbols);
            image.Load();
            return image;
        }

        /// <summary>The System V ELF hash of a name, as stored in <c>vna_hash</c> and <c>vd_hash</c>.</summary>
        public static uint Hash(string name)
        {
            uint h = 0;
            foreach (char c in name)
            {
                h = (h << 4) + (byte)c;
                uint g = h & 0xf0000000;
                if (g != 0) h ^= g >> 24;
                h &= ~g;
            }
            return h;
        }

        /// <summary>The dynamic symbols bound to <paramref name="need"/> (any use).</summary>
        public IList<string> SymbolsOf(ElfVersionNeed need) => Symbols(need, relocatedOnly: false);

        /// <summary>
        /// The dynamic symbols bound to <paramref name="need"/> that a relocation uses: the symbols the loader must find
        /// in that version. Empty means the requirement is only a marker and can be made weak without changing behaviour.
        /// </summary>
        /// <exception cref="InvalidOperationException">The image was read without its symbols.</exception>
        public IList<string> RelocatedSymbolsOf(ElfVersionNeed need) => Symbols(need, relocatedOnly: true);

        /// <summary>
        /// Marks each requirement named in <paramref name="names"/> weak in <see cref="Bytes"/>, unless relocations use
        /// symbols bound to it (those are returned in <paramref name="refused"/> and left alone).
        /// </summary>
        /// <returns>The names changed (already-weak ones are not counted).</returns>
        public IList<string> Weaken(ICollection<string> names, out IList<ElfVersionNeed> refused)
        {
            var changed = new List<string>();
            refused = new List<ElfVersionNeed>();
            foreach (var need in _needs)
            {
                if (!names.Contains(need.Name) || need.IsWeak) continue;
                if (RelocatedSymbolsOf(need).Count > 0)
                {
                    refused.Add(need);
                    continue;
                }
                need.Flags = (ushort)(need.Flags | WeakFlag);
                _b[need.FlagsOffset] = (byte)(need.Flags & 0xFF);
                _b[need.FlagsOffset + 1] = (byte)(need.Flags >> 8);
                changed.Add(need.Name);
            }
            return changed;
        }

        private IList<string> Symbols(ElfVersionNeed need, bool relocatedOnly)
        {
            if (!_symbols) throw new InvalidOperationException("File '" + _path + "' was read without its symbol tables.");
            var result = new List<string>();
            for (int i = 1; i < _symbolVersions.Length && i < _symbolNames.Count; i++)
            {
                if ((_symbolVersions[i] & 0x7fff) != need.Index) continue;
                if (relocatedOnly && !_relocatedSymbols.Contains(i)) continue;
                result.Add(_symbolNames[i]);
            }
            return result;
        }

        private void Load()
        {
            long shoff = (long)U64(0x28L);
            int shentsize = U16(0x3A), shnum = U16(0x3C);
            if (shnum == 0 || shoff == 0)
                throw Invalid("it has no section headers (a stripped-down file whose version tables cannot be located)");
            if (shentsize < 64) throw Invalid("its section header size is " + shentsize + " bytes, expected 64");
            Check(shoff, (long)shnum * shentsize, "section header table");

            var sections = new Section[shnum];
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                sections[i] = new Section(U32(sh + 4), U64(sh + 0x18), U64(sh + 0x20), U32(sh + 0x28), U32(sh + 0x2C), U64(sh + 0x38));
            }

            int dynsym = -1;
            for (int i = 0; i < shnum; i++)
            {
                var s = sections[i];
                switch (s.Type)
                {
                    case ShtDynamic: ReadDynamic(s, sections); break;
                    case ShtGnuVerneed: ReadVersionNeeds(s, sections); break;
                    case ShtGnuVerdef: ReadVersionDefinitions(s, sections); break;
                    case ShtDynsym: dynsym = i; if (_symbols) ReadSymbols(s, sections); break;
                }
            }
            for (int i = 0; i < shnum && _symbols; i++)
            {
                var s = sections[i];
                if (s.Type == ShtGnuVersym)
                {
                    Check(s.Offset, s.Size, "symbol version table");
                    _symbolVersions = new ushort[s.Size / 2];
                    for (int k = 0; k < _symbolVersions.Length; k++) _symbolVersions[k] = (ushort)U16(s.Offset + 2L * k);
                }
                else if ((s.Type == ShtRela || s.Type == ShtRel) && dynsym >= 0 && s.Link == dynsym)
                {
                    long entry = s.Type == ShtRela ? 24 : 16;
                    Check(s.Offset, s.Size, "relocation table");
                    for (long r = s.Offset; r + entry <= s.Offset + s.Size; r += entry)
                    {
                        int symbol = (int)(U64(r + 8) >> 32);
                        if (symbol != 0) _relocatedSymbols.Add(symbol);
                    }
                }
            }
        }

        private void ReadDynamic(Section s, Section[] sections)
        {
            Check(s.Offset, s.Size, "dynamic section");
            var strings = StringTable(s, sections);
            for (long e = s.Offset; e + 16 <= s.Offset + s.Size; e += 16)
            {
                long tag = (long)U64(e);
                if (tag == 0) break;
                long value = (long)U64(e + 8);
                if (tag == DtNeeded) _needed.Add(Str(strings, value));
                else if (tag == DtSoname) SoName = Str(strings, value);
                else if (tag == DtRunpath || (tag == DtRpath && _runPath.Count == 0))
                {
                    _runPath.Clear();
                    _runPath.AddRange(Str(strings, value).Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }

        private void ReadVersionNeeds(Section s, Section[] sections)
        {
            Check(s.Offset, s.Size, "version requirement section");
            var strings = StringTable(s, sections);
            long vn = s.Offset;
            for (uint n = 0; n < s.Info; n++)
            {
                Check(vn, 16, "version requirement entry");
                int count = U16(vn + 2);
                string file = Str(strings, U32(vn + 4));
                long aux = vn + U32(vn + 8);
                for (int a = 0; a < count; a++)
                {
                    Check(aux, 16, "version requirement auxiliary entry");
                    _needs.Add(new ElfVersionNeed(file, Str(strings, U32(aux + 8)), U32(aux), (ushort)U16(aux + 4), (ushort)U16(aux + 6), (int)(aux + 4)));
                    uint next = U32(aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnext = U32(vn + 12);
                if (vnext == 0) break;
                vn += vnext;
            }
        }

        private void ReadVersionDefinitions(Section s, Section[] sections)
        {
            Check(s.Offset, s.Size, "version definition section");
            var strings = StringTable(s, sections);
            long vd = s.Offset;
            for (uint n = 0; n < s.Info; n++)
            {
                Check(vd, 20, "version definition entry");
                if (U16(vd + 6) > 0)
                {
                    long aux = vd + U32(vd + 12);
                    Check(aux, 8, "version definition auxiliary entry");
                    _definitions.Add(Str(strings, U32(aux)));
                }
                uint next = U32(vd + 16);
                if (next == 0) break;
                vd += next;
            }
        }

        private void ReadSymbols(Section s, Section[] sections)
        {
            Check(s.Offset, s.Size, "dynamic symbol table");
            var strings = StringTable(s, sections);
            long entry = s.EntrySize == 0 ? 24 : (long)s.EntrySize;
            for (long e = s.Offset; e + entry <= s.Offset + s.Size; e += entry) _symbolNames.Add(Str(strings, U32(e)));
        }

        private long StringTable(Section s, Section[] sections)
        {
            if (s.Link >= sections.Length) throw Invalid("a section links to string table " + s.Link + " of " + sections.Length + " sections");
            var table = sections[s.Link];
            Check(table.Offset, table.Size, "string table");
            return table.Offset;
        }

        private string Str(long table, long offset)
        {
            long start = table + offset, end = start;
            if (start < 0 || start >= _b.Length) throw Invalid("a name lies outside the file (offset " + start + ")");
            while (end < _b.Length && _b[end] != 0) end++;
            if (end >= _b.Length) throw Invalid("a name at offset " + start + " is not terminated");
            return Encoding.ASCII.GetString(_b, (int)start, (int)(end - start));
        }

        private void Check(long offset, long length, string what)
        {
            if (offset < 0 || length < 0 || offset + length > _b.Length)
                throw Invalid("its " + what + " (offset " + offset + ", " + length + " bytes) lies outside the file (" + _b.Length + " bytes)");
        }

        private int U16(long o) { Check(o, 2, "header field"); return BitConverter.ToUInt16(_b, (int)o); }

        private uint U32(long o) { Check(o, 4, "header field"); return BitConverter.ToUInt32(_b, (int)o); }

        private ulong U64(long o) { Check(o, 8, "header field"); return BitConverter.ToUInt64(_b, (int)o); }

        private InvalidDataException Invalid(string why) => new InvalidDataException("File '" + _path + "' is not a valid ELF64 library: " + why + ".");

        private sealed class Section
        {
            public Section(uint type, ulong offset, ulong size, uint link, uint info, ulong entrySize)
            {
                Type = type;
                Offset = (long)offset;
                Size = (long)size;
                Link = link;
                Info = info;
                EntrySize = entrySize;
            }

            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public uint Link { get; }
            public uint Info { get; }
            public ulong EntrySize { get; }
        }
    }
}
