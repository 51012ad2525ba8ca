//! ZIP archives written as a stream: the workbook's package (plain entries) and the
//! owner's AES-256 archive of CSV and JSON (WinZip AE-2, which 7-Zip, WinZip, pyzipper
//! and macOS's Archive Utility open; never ZipCrypto, which is broken).
//!
//! Each entry is deflated (miniz_oxide) as its bytes arrive, so an export never holds its
//! uncompressed text; the local header is written first with zero sizes and patched when
//! the entry ends (we own the output buffer, so no data descriptor is needed).
//!
//! AE-2, from WinZip's public "AES Encryption Information" note: method 99 with extra
//! field 0x9901 (vendor version 2, "AE", strength 3 = AES-256, actual method 8); the data
//! is salt (16) ‖ password verifier (2) ‖ AES-256-CTR of the deflated bytes (little-endian
//! counter from 1) ‖ the first 10 bytes of HMAC-SHA1 over that ciphertext, with keys from
//! PBKDF2-HMAC-SHA1(password, salt, 1000 rounds, 32 + 32 + 2 bytes). AE-2 stores CRC 0:
//! the HMAC authenticates the data, and a CRC of the plain text would leak about it.

use aes::Aes256;
use chrono::{Datelike, NaiveDateTime, Timelike};
use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::{Hmac, Mac};
use miniz_oxide::deflate::core::{
    CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params,
};
use sha1::Sha1;

use crate::FileError;
use crate::random::Random;

/// Deflate level: 6 is zlib's default; the workbook bench compares it (benches/workbook.rs).
const LEVEL: i32 = 6;
/// Uncompressed bytes gathered before each call to the compressor.
const CHUNK: usize = 64 * 1024;
const AES_SALT: usize = 16;
const AES_ROUNDS: u32 = 1000;
const AES_MAC: usize = 10;

type Aes256Ctr = ctr::Ctr128LE<Aes256>;

/// One entry's AES state: the cipher and the running MAC over its ciphertext.
struct Sealing {
    cipher: Aes256Ctr,
    mac: Hmac<Sha1>,
}

struct Open {
    header_at: usize,
    data_at: usize,
    name: Vec<u8>,
    crc: crc32fast::Hasher,
    size: u64,
    pending: Vec<u8>,
    deflate: Box<CompressorOxide>,
    sealing: Option<Sealing>,
}

/// An archive being written into memory.
pub(crate) struct Archive {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: usize,
    time: u16,
    date: u16,
    open: Option<Open>,
    scratch: Vec<u8>,
}

/// How an entry is stored.
pub(crate) enum Protection<'a> {
    Plain,
    /// AE-2 with this password and a fresh random salt.
    Aes {
        password: &'a str,
        salt: [u8; AES_SALT],
    },
}

impl Archive {
    /// Every entry gets `modified` (ZIP stores local time with two-second steps; years
    /// before 1980 become 1980, the format's first).
    pub(crate) fn new(modified: NaiveDateTime) -> Self {
        let (time, date) = dos_time(modified);
        Archive {
            out: Vec::new(),
            central: Vec::new(),
            entries: 0,
            time,
            date,
            open: None,
            scratch: vec![0; CHUNK + CHUNK / 2],
        }
    }

    /// Starts an entry; the previous one must be ended.
    pub(crate) fn begin(&mut self, name: &str, protection: Protection<'_>) -> Result<(), FileError> {
        if self.open.is_some() {
            return Err(FileError::Order("an archive entry began before the previous one ended"));
        }
        if name.len() > usize::from(u16::MAX) || name.is_empty() {
            return Err(FileError::Name(name.chars().take(40).collect()));
        }
        let header_at = self.out.len();
        let sealing = match protection {
            Protection::Plain => None,
            Protection::Aes { password, salt } => Some((password, salt)),
        };
        self.local_header(name.as_bytes(), sealing.is_some(), 0, 0, 0);
        let sealing = sealing.map(|(password, salt)| {
            let mut keys = [0u8; 66];
            pbkdf2::pbkdf2_hmac::<Sha1>(password.as_bytes(), &salt, AES_ROUNDS, &mut keys);
            self.out.extend_from_slice(&salt);
            self.out.extend_from_slice(&keys[64..66]);
            let mut counter = [0u8; 16];
            counter[0] = 1;
            let cipher = Aes256Ctr::new((&keys[..32]).into(), (&counter).into());
            let mac = <Hmac<Sha1> as Mac>::new_from_slice(&keys[32..64]);
            mac.map(|mac| Sealing { cipher, mac })
        });
        let sealing = match sealing {
            Some(Ok(sealing)) => Some(sealing),
            Some(Err(_)) => return Err(FileError::Crypto),
            None => None,
        };
        let data_at = self.out.len();
        let flags = create_comp_flags_from_zip_params(LEVEL, -15, 0);
        self.open = Some(Open {
            header_at,
            data_at,
            name: name.as_bytes().to_vec(),
            crc: crc32fast::Hasher::new(),
            size: 0,
            pending: Vec::with_capacity(CHUNK),
            deflate: Box::new(CompressorOxide::new(flags)),
            sealing,
        });
        Ok(())
    }

    /// Adds bytes to the open entry.
    pub(crate) fn write(&mut self, mut bytes: &[u8]) -> Result<(), FileError> {
        let Archive { open, scratch, out, .. } = self;
        let Some(open) = open.as_mut() else {
            return Err(FileError::Order("bytes written with no archive entry open"));
        };
        open.crc.update(bytes);
        open.size += bytes.len() as u64;
        while !bytes.is_empty() {
            let room = CHUNK - open.pending.len();
            let take = room.min(bytes.len());
            open.pending.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if open.pending.len() == CHUNK {
                deflate(open, scratch, out, false)?;
            }
        }
        Ok(())
    }

    /// Ends the open entry: flushes the compressor, seals, patches the local header and
    /// records the central directory entry.
    pub(crate) fn end(&mut self) -> Result<(), FileError> {
        let Some(mut open) = self.open.take() else {
            return Err(FileError::Order("an archive entry ended that was not open"));
        };
        deflate(&mut open, &mut self.scratch, &mut self.out, true)?;
        let encrypted = open.sealing.is_some();
        if let Some(sealing) = open.sealing.take() {
            let tag = sealing.mac.finalize().into_bytes();
            self.out.extend_from_slice(&tag[..AES_MAC]);
        }
        let stored = (self.out.len() - open.data_at) as u64;
        let stored = stored + if encrypted { (AES_SALT + 2) as u64 } else { 0 };
        let (Ok(stored), Ok(size)) = (u32::try_from(stored), u32::try_from(open.size)) else {
            return Err(FileError::TooLarge);
        };
        // AE-2 leaves the CRC out (the MAC authenticates the data instead).
        let crc = if encrypted { 0 } else { open.crc.finalize() };
        patch_u32(&mut self.out, open.header_at + 14, crc);
        patch_u32(&mut self.out, open.header_at + 18, stored);
        patch_u32(&mut self.out, open.header_at + 22, size);
        let Ok(offset) = u32::try_from(open.header_at) else { return Err(FileError::TooLarge) };
        self.central_header(&open.name, encrypted, crc, stored, size, offset);
        self.entries += 1;
        Ok(())
    }

    /// Adds a whole entry.
    pub(crate) fn entry(&mut self, name: &str, protection: Protection<'_>, bytes: &[u8]) -> Result<(), FileError> {
        self.begin(name, protection)?;
        self.write(bytes)?;
        self.end()
    }

    /// Writes the central directory and returns the archive.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>, FileError> {
        if self.open.is_some() {
            return Err(FileError::Order("the archive was finished with an entry open"));
        }
        let (Ok(count), Ok(size), Ok(offset)) =
            (u16::try_from(self.entries), u32::try_from(self.central.len()), u32::try_from(self.out.len()))
        else {
            return Err(FileError::TooLarge);
        };
        self.out.extend_from_slice(&self.central);
        let out = &mut self.out;
        put_u32(out, 0x0605_4b50);
        put_u16(out, 0); // this disk
        put_u16(out, 0); // the disk where the directory starts
        put_u16(out, count);
        put_u16(out, count);
        put_u32(out, size);
        put_u32(out, offset);
        put_u16(out, 0); // comment length
        Ok(self.out)
    }

    fn local_header(&mut self, name: &[u8], encrypted: bool, crc: u32, stored: u32, size: u32) {
        let out = &mut self.out;
        put_u32(out, 0x0403_4b50);
        put_u16(out, if encrypted { 51 } else { 20 }); // version needed: 5.1 for AES
        put_u16(out, flags(encrypted));
        put_u16(out, if encrypted { 99 } else { 8 });
        put_u16(out, self.time);
        put_u16(out, self.date);
        put_u32(out, crc);
        put_u32(out, stored);
        put_u32(out, size);
        put_u16(out, name.len() as u16);
        put_u16(out, if encrypted { 11 } else { 0 });
        out.extend_from_slice(name);
        if encrypted {
            aes_extra(out);
        }
    }

    fn central_header(&mut self, name: &[u8], encrypted: bool, crc: u32, stored: u32, size: u32, offset: u32) {
        let out = &mut self.central;
        put_u32(out, 0x0201_4b50);
        put_u16(out, if encrypted { 51 } else { 20 }); // made by: MS-DOS attributes, version
        put_u16(out, if encrypted { 51 } else { 20 });
        put_u16(out, flags(encrypted));
        put_u16(out, if encrypted { 99 } else { 8 });
        put_u16(out, self.time);
        put_u16(out, self.date);
        put_u32(out, crc);
        put_u32(out, stored);
        put_u32(out, size);
        put_u16(out, name.len() as u16);
        put_u16(out, if encrypted { 11 } else { 0 });
        put_u16(out, 0); // comment
        put_u16(out, 0); // disk
        put_u16(out, 0); // internal attributes
        put_u32(out, 0); // external attributes
        put_u32(out, offset);
        out.extend_from_slice(name);
        if encrypted {
            aes_extra(out);
        }
    }
}

/// Compresses the entry's pending bytes (all of them, and the stream's end when
/// `finish`), sealing them when the entry is encrypted, onto `out`.
fn deflate(open: &mut Open, scratch: &mut [u8], out: &mut Vec<u8>, finish: bool) -> Result<(), FileError> {
    let flush = if finish { TDEFLFlush::Finish } else { TDEFLFlush::None };
    let mut input: &[u8] = &open.pending;
    loop {
        let (status, read, written) = compress(&mut open.deflate, input, scratch, flush);
        input = &input[read..];
        let chunk = &mut scratch[..written];
        if let Some(sealing) = open.sealing.as_mut() {
            sealing.cipher.apply_keystream(chunk);
            sealing.mac.update(chunk);
        }
        out.extend_from_slice(chunk);
        match status {
            TDEFLStatus::Done => break,
            TDEFLStatus::Okay if input.is_empty() && !finish => break,
            TDEFLStatus::Okay => {}
            TDEFLStatus::BadParam | TDEFLStatus::PutBufFailed => return Err(FileError::Deflate),
        }
    }
    open.pending.clear();
    Ok(())
}

/// Bit 0: encrypted; bit 11: the name is UTF-8 (Japanese file names stay readable).
fn flags(encrypted: bool) -> u16 {
    (1 << 11) | u16::from(encrypted)
}

/// The 0x9901 extra field: AE-2, vendor "AE", AES-256, deflated.
fn aes_extra(out: &mut Vec<u8>) {
    put_u16(out, 0x9901);
    put_u16(out, 7);
    put_u16(out, 2);
    out.extend_from_slice(b"AE");
    out.push(3);
    put_u16(out, 8);
}

fn dos_time(at: NaiveDateTime) -> (u16, u16) {
    let year = at.year().clamp(1980, 2107) as u16;
    let time = ((at.hour() as u16) << 11) | ((at.minute() as u16) << 5) | (at.second() as u16 / 2);
    let date = ((year - 1980) << 9) | ((at.month() as u16) << 5) | at.day() as u16;
    (time, date)
}

fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn patch_u32(out: &mut [u8], at: usize, value: u32) {
    out[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// Fills an AE-2 salt from the caller's randomness.
pub(crate) fn aes_salt(random: &mut dyn Random) -> [u8; AES_SALT] {
    let mut salt = [0u8; AES_SALT];
    random.fill(&mut salt);
    salt
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;
    use miniz_oxide::inflate::decompress_to_vec;

    pub(crate) fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap()
    }

    fn u16_at(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([bytes[at], bytes[at + 1]])
    }

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    /// One entry as the central directory describes it, with its stored bytes.
    #[derive(Debug)]
    pub(crate) struct Listed {
        pub name: String,
        pub flags: u16,
        pub method: u16,
        pub crc: u32,
        pub size: u32,
        pub extra: Vec<u8>,
        pub stored: Vec<u8>,
    }

    /// Reads an archive through its central directory, checking each local header agrees.
    pub(crate) fn list(zip: &[u8]) -> Vec<Listed> {
        let end = zip.len() - 22;
        assert_eq!(u32_at(zip, end), 0x0605_4b50);
        let count = u16_at(zip, end + 10) as usize;
        let mut at = u32_at(zip, end + 16) as usize;
        let mut listed = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(zip, at), 0x0201_4b50);
            let name_len = u16_at(zip, at + 28) as usize;
            let extra_len = u16_at(zip, at + 30) as usize;
            let offset = u32_at(zip, at + 42) as usize;
            let stored_len = u32_at(zip, at + 20) as usize;
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            let extra = zip[at + 46 + name_len..at + 46 + name_len + extra_len].to_vec();
            assert_eq!(u32_at(zip, offset), 0x0403_4b50);
            assert_eq!(&zip[offset + 6..offset + 26], &zip[at + 8..at + 28], "local header of {name}");
            let local_data = offset + 30 + u16_at(zip, offset + 26) as usize + u16_at(zip, offset + 28) as usize;
            listed.push(Listed {
                name,
                flags: u16_at(zip, at + 8),
                method: u16_at(zip, at + 10),
                crc: u32_at(zip, at + 16),
                size: u32_at(zip, at + 24),
                extra,
                stored: zip[local_data..local_data + stored_len].to_vec(),
            });
            at += 46 + name_len + extra_len;
        }
        listed
    }

    /// Opens an AE-2 entry with our own reading of the format (the real check is 7z and
    /// pyzipper in tests/real_software.rs). `None` when the password or MAC is wrong.
    pub(crate) fn open_aes(entry: &Listed, password: &str) -> Option<Vec<u8>> {
        let data = &entry.stored;
        let (salt, rest) = data.split_at(AES_SALT);
        let (verifier, rest) = rest.split_at(2);
        let (cipher_text, tag) = rest.split_at(rest.len() - AES_MAC);
        let mut keys = [0u8; 66];
        pbkdf2::pbkdf2_hmac::<Sha1>(password.as_bytes(), salt, AES_ROUNDS, &mut keys);
        if &keys[64..] != verifier {
            return None;
        }
        let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(&keys[32..64]).unwrap();
        mac.update(cipher_text);
        if &mac.finalize().into_bytes()[..AES_MAC] != tag {
            return None;
        }
        let mut plain = cipher_text.to_vec();
        let mut counter = [0u8; 16];
        counter[0] = 1;
        Aes256Ctr::new((&keys[..32]).into(), (&counter).into()).apply_keystream(&mut plain);
        Some(decompress_to_vec(&plain).unwrap())
    }

    #[test]
    fn plain_entries_deflate_and_carry_their_crc() {
        let mut archive = Archive::new(at(2026, 12, 2, 10, 30, 15));
        let text = "顧客,メール\r\n".repeat(10_000);
        archive.entry("顧客.csv", Protection::Plain, text.as_bytes()).unwrap();
        archive.entry("b.json", Protection::Plain, b"{}").unwrap();
        let zip = archive.finish().unwrap();
        let listed = list(&zip);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].name, "顧客.csv");
        assert_eq!(listed[0].flags, 1 << 11, "UTF-8 names, not encrypted");
        assert_eq!(listed[0].method, 8);
        assert_eq!(listed[0].crc, crc32fast::hash(text.as_bytes()));
        assert!(listed[0].stored.len() < text.len() / 20, "repetitive text compresses");
        assert_eq!(decompress_to_vec(&listed[0].stored).unwrap(), text.as_bytes());
        assert_eq!(decompress_to_vec(&listed[1].stored).unwrap(), b"{}");
    }

    #[test]
    fn aes_entries_are_ae2_aes256_with_crc_zero() {
        let mut archive = Archive::new(at(2026, 12, 2, 10, 30, 15));
        let salt = [7u8; AES_SALT];
        archive.entry("a.csv", Protection::Aes { password: "pw", salt }, b"a,b\r\n").unwrap();
        let zip = archive.finish().unwrap();
        let entry = &list(&zip)[0];
        assert_eq!(entry.flags, (1 << 11) | 1);
        assert_eq!(entry.method, 99);
        assert_eq!(entry.crc, 0);
        assert_eq!(entry.size, 5);
        assert_eq!(entry.extra, [0x01, 0x99, 7, 0, 2, 0, b'A', b'E', 3, 8, 0]);
        assert_eq!(&entry.stored[..AES_SALT], &salt);
        assert_eq!(open_aes(entry, "pw").unwrap(), b"a,b\r\n");
        assert!(open_aes(entry, "wrong").is_none());
    }

    #[test]
    fn a_flipped_ciphertext_byte_fails_the_mac() {
        let mut archive = Archive::new(at(2026, 12, 2, 10, 30, 15));
        archive.entry("a.csv", Protection::Aes { password: "pw", salt: [1; AES_SALT] }, b"hello").unwrap();
        let zip = archive.finish().unwrap();
        let mut entry = list(&zip).remove(0);
        entry.stored[AES_SALT + 2] ^= 1;
        assert!(open_aes(&entry, "pw").is_none());
    }

    #[test]
    fn dos_time_has_two_second_steps_and_starts_in_1980() {
        assert_eq!(dos_time(at(2026, 12, 2, 10, 30, 15)), ((10 << 11) | (30 << 5) | 7, (46 << 9) | (12 << 5) | 2));
        assert_eq!(dos_time(at(1970, 1, 1, 0, 0, 0)).1, (1 << 5) | 1);
    }

    #[test]
    fn entries_must_not_overlap() {
        let mut archive = Archive::new(at(2026, 1, 1, 0, 0, 0));
        archive.begin("a", Protection::Plain).unwrap();
        assert!(archive.begin("b", Protection::Plain).is_err());
    }
}
