//! Excel's "password to open": ECMA-376 agile encryption, written from the public
//! [MS-OFFCRYPTO] specification (§2.3.4.10–2.3.4.15). The result is an OLE compound file
//! with two streams: `EncryptionInfo` (version 4.4, flags 0x40, then the XML descriptor)
//! and `EncryptedPackage` (the package's size as 8 little-endian bytes, then the package
//! in 4,096-byte segments, each AES-256-CBC under the secret key with the IV
//! SHA-512(keyData salt ‖ segment index)[..16]).
//!
//! Parameters are Excel's current ones: AES-256, CBC, SHA-512, 100,000 spins, 16-byte
//! salts. The password only wraps a random secret key (`encryptedKeyValue`), with a
//! verifier so a wrong password is told apart from a damaged file; the HMAC-SHA512 over
//! the whole `EncryptedPackage` stream (`dataIntegrity`) lets the reader detect tampering.
//!
//! Invariant: every random byte comes from the caller's `Random`, and the compound file
//! holds no time (streams and the root entry carry zero stamps; we create no storage,
//! the only entry the `cfb` crate would stamp with the clock).

use std::io::{Cursor, Write};

use aes::Aes256;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha512};

use crate::FileError;
use crate::random::Random;

const SPIN_COUNT: u32 = 100_000;
const SALT: usize = 16;
const KEY: usize = 32;
const HASH: usize = 64;
const SEGMENT: usize = 4096;
const BLOCK: usize = 16;

/// The block keys of §2.3.4.11–2.3.4.14: each derives a different key or IV from the
/// same password hash or salt.
const VERIFIER_INPUT_BLOCK: [u8; 8] = [0xfe, 0xa7, 0xd2, 0x76, 0x3b, 0x4b, 0x9e, 0x79];
const VERIFIER_VALUE_BLOCK: [u8; 8] = [0xd7, 0xaa, 0x0f, 0x6d, 0x30, 0x61, 0x34, 0x4e];
const KEY_VALUE_BLOCK: [u8; 8] = [0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6];
const HMAC_KEY_BLOCK: [u8; 8] = [0x5f, 0xb2, 0xad, 0x01, 0x0c, 0xb9, 0xe1, 0xf6];
const HMAC_VALUE_BLOCK: [u8; 8] = [0xa0, 0x67, 0x7f, 0x02, 0xb2, 0x2c, 0x84, 0x33];

/// Encrypts an .xlsx package (any OOXML package) with `password`.
pub fn encrypt(package: &[u8], password: &str, random: &mut dyn Random) -> Result<Vec<u8>, FileError> {
    let mut key_data_salt = [0u8; SALT];
    let mut password_salt = [0u8; SALT];
    let mut secret_key = [0u8; KEY];
    let mut verifier = [0u8; SALT];
    let mut hmac_key = [0u8; HASH];
    random.fill(&mut key_data_salt);
    random.fill(&mut password_salt);
    random.fill(&mut secret_key);
    random.fill(&mut verifier);
    random.fill(&mut hmac_key);

    // The password wraps the secret key (§2.3.4.13).
    let spun = spin(password, &password_salt);
    let mut verifier_input = verifier;
    cbc_encrypt(&password_key(&spun, &VERIFIER_INPUT_BLOCK), &password_salt, &mut verifier_input)?;
    let mut verifier_hash: [u8; HASH] = Sha512::digest(verifier).into();
    cbc_encrypt(&password_key(&spun, &VERIFIER_VALUE_BLOCK), &password_salt, &mut verifier_hash)?;
    let mut key_value = secret_key;
    cbc_encrypt(&password_key(&spun, &KEY_VALUE_BLOCK), &password_salt, &mut key_value)?;

    let mut file = cfb::CompoundFile::create_with_version(
        cfb::Version::V3,
        Cursor::new(Vec::with_capacity(package.len() + package.len() / 16 + 8192)),
    )
    .map_err(FileError::Container)?;

    // The package, segment by segment, MACed as it is written (§2.3.4.14: the MAC
    // covers the whole stream, size prefix included).
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(&hmac_key).map_err(|_| FileError::Crypto)?;
    {
        let mut stream = file.create_stream("EncryptedPackage").map_err(FileError::Container)?;
        let size = (package.len() as u64).to_le_bytes();
        mac.update(&size);
        stream.write_all(&size).map_err(FileError::Container)?;
        let mut buffer = [0u8; SEGMENT];
        for (index, segment) in package.chunks(SEGMENT).enumerate() {
            let padded = segment.len().div_ceil(BLOCK) * BLOCK;
            buffer[..segment.len()].copy_from_slice(segment);
            buffer[segment.len()..padded].fill(0);
            let iv = salted_iv(&key_data_salt, &(index as u32).to_le_bytes());
            cbc_encrypt(&secret_key, &iv, &mut buffer[..padded])?;
            mac.update(&buffer[..padded]);
            stream.write_all(&buffer[..padded]).map_err(FileError::Container)?;
        }
        stream.flush().map_err(FileError::Container)?;
    }
    let mut hmac_value: [u8; HASH] = mac.finalize().into_bytes().into();
    let mut encrypted_hmac_key = hmac_key;
    cbc_encrypt(&secret_key, &salted_iv(&key_data_salt, &HMAC_KEY_BLOCK), &mut encrypted_hmac_key)?;
    cbc_encrypt(&secret_key, &salted_iv(&key_data_salt, &HMAC_VALUE_BLOCK), &mut hmac_value)?;

    let descriptor = Descriptor {
        key_data_salt: &key_data_salt,
        password_salt: &password_salt,
        verifier_input: &verifier_input,
        verifier_hash: &verifier_hash,
        key_value: &key_value,
        hmac_key: &encrypted_hmac_key,
        hmac_value: &hmac_value,
    };
    let mut info = Vec::with_capacity(2048);
    info.extend_from_slice(&4u16.to_le_bytes());
    info.extend_from_slice(&4u16.to_le_bytes());
    info.extend_from_slice(&0x40u32.to_le_bytes());
    info.extend_from_slice(descriptor.xml().as_bytes());
    let mut stream = file.create_stream("EncryptionInfo").map_err(FileError::Container)?;
    stream.write_all(&info).map_err(FileError::Container)?;
    drop(stream);
    file.flush().map_err(FileError::Container)?;
    Ok(file.into_inner().into_inner())
}

/// §2.3.4.11: H0 = H(salt ‖ UTF-16LE password), Hn = H(n as u32 LE ‖ Hn-1). The slow part,
/// on purpose: 100,000 SHA-512 rounds per guess.
fn spin(password: &str, salt: &[u8]) -> [u8; HASH] {
    let mut hasher = Sha512::new();
    hasher.update(salt);
    for unit in password.encode_utf16() {
        hasher.update(unit.to_le_bytes());
    }
    let mut hash: [u8; HASH] = hasher.finalize().into();
    for n in 0..SPIN_COUNT {
        let mut hasher = Sha512::new();
        hasher.update(n.to_le_bytes());
        hasher.update(hash);
        hash = hasher.finalize().into();
    }
    hash
}

/// The key for one block key: H(Hn ‖ blockKey), cut to the key's 32 bytes (SHA-512 is
/// longer, so no padding is ever needed).
fn password_key(spun: &[u8; HASH], block: &[u8; 8]) -> [u8; KEY] {
    let mut hasher = Sha512::new();
    hasher.update(spun);
    hasher.update(block);
    let hash = hasher.finalize();
    let mut key = [0u8; KEY];
    key.copy_from_slice(&hash[..KEY]);
    key
}

/// An IV from the keyData salt: H(salt ‖ block)[..16] (segments and the integrity keys).
fn salted_iv(salt: &[u8; SALT], block: &[u8]) -> [u8; BLOCK] {
    let mut hasher = Sha512::new();
    hasher.update(salt);
    hasher.update(block);
    let hash = hasher.finalize();
    let mut iv = [0u8; BLOCK];
    iv.copy_from_slice(&hash[..BLOCK]);
    iv
}

/// AES-256-CBC in place over whole blocks (every input here is a multiple of 16).
fn cbc_encrypt(key: &[u8; KEY], iv: &[u8; BLOCK], data: &mut [u8]) -> Result<(), FileError> {
    let len = data.len();
    cbc::Encryptor::<Aes256>::new(key.into(), iv.into())
        .encrypt_padded_mut::<NoPadding>(data, len)
        .map(|_| ())
        .map_err(|_| FileError::Crypto)
}

struct Descriptor<'a> {
    key_data_salt: &'a [u8],
    password_salt: &'a [u8],
    verifier_input: &'a [u8],
    verifier_hash: &'a [u8],
    key_value: &'a [u8],
    hmac_key: &'a [u8],
    hmac_value: &'a [u8],
}

impl Descriptor<'_> {
    /// §2.3.4.10's XML, attributes in the order Excel writes them.
    fn xml(&self) -> String {
        let cipher = "blockSize=\"16\" keyBits=\"256\" hashSize=\"64\" cipherAlgorithm=\"AES\" cipherChaining=\"ChainingModeCBC\" hashAlgorithm=\"SHA512\"";
        format!(
            concat!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n",
                "<encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\" ",
                "xmlns:p=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\" ",
                "xmlns:c=\"http://schemas.microsoft.com/office/2006/keyEncryptor/certificate\">",
                "<keyData saltSize=\"16\" {cipher} saltValue=\"{key_data_salt}\"/>",
                "<dataIntegrity encryptedHmacKey=\"{hmac_key}\" encryptedHmacValue=\"{hmac_value}\"/>",
                "<keyEncryptors><keyEncryptor uri=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\">",
                "<p:encryptedKey spinCount=\"{spin}\" saltSize=\"16\" {cipher} saltValue=\"{password_salt}\" ",
                "encryptedVerifierHashInput=\"{verifier_input}\" encryptedVerifierHashValue=\"{verifier_hash}\" ",
                "encryptedKeyValue=\"{key_value}\"/></keyEncryptor></keyEncryptors></encryption>"
            ),
            cipher = cipher,
            spin = SPIN_COUNT,
            key_data_salt = BASE64.encode(self.key_data_salt),
            hmac_key = BASE64.encode(self.hmac_key),
            hmac_value = BASE64.encode(self.hmac_value),
            password_salt = BASE64.encode(self.password_salt),
            verifier_input = BASE64.encode(self.verifier_input),
            verifier_hash = BASE64.encode(self.verifier_hash),
            key_value = BASE64.encode(self.key_value),
        )
    }
}

/// Our own reader, for the round-trip tests only: the real check is msoffcrypto-tool in
/// tests/real_software.rs (an independent implementation).
#[cfg(test)]
pub(crate) mod reading {
    use super::*;
    use cbc::cipher::BlockDecryptMut;
    use std::io::Read;

    #[derive(Debug, PartialEq)]
    pub(crate) enum Refused {
        Password,
        Integrity,
    }

    fn attribute(xml: &str, element: &str, name: &str) -> Vec<u8> {
        let from = xml.find(&format!("<{element} ")).unwrap();
        let rest = &xml[from..];
        let at = rest.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        let end = rest[at..].find('"').unwrap();
        BASE64.decode(&rest[at..at + end]).unwrap()
    }

    fn cbc_decrypt(key: &[u8], iv: &[u8], data: &mut [u8]) {
        cbc::Decryptor::<Aes256>::new(key.into(), iv.into()).decrypt_padded_mut::<NoPadding>(data).unwrap();
    }

    pub(crate) fn decrypt(file: &[u8], password: &str) -> Result<Vec<u8>, Refused> {
        let mut cfb = cfb::CompoundFile::open(Cursor::new(file)).unwrap();
        let mut info = Vec::new();
        cfb.open_stream("EncryptionInfo").unwrap().read_to_end(&mut info).unwrap();
        assert_eq!(&info[..8], &[4, 0, 4, 0, 0x40, 0, 0, 0]);
        let xml = std::str::from_utf8(&info[8..]).unwrap();
        let mut package = Vec::new();
        cfb.open_stream("EncryptedPackage").unwrap().read_to_end(&mut package).unwrap();

        let password_salt = attribute(xml, "p:encryptedKey", "saltValue");
        let spun = spin(password, &password_salt);
        let mut input = attribute(xml, "p:encryptedKey", "encryptedVerifierHashInput");
        cbc_decrypt(&password_key(&spun, &VERIFIER_INPUT_BLOCK), &password_salt, &mut input);
        let mut hash = attribute(xml, "p:encryptedKey", "encryptedVerifierHashValue");
        cbc_decrypt(&password_key(&spun, &VERIFIER_VALUE_BLOCK), &password_salt, &mut hash);
        if Sha512::digest(&input)[..] != hash[..] {
            return Err(Refused::Password);
        }
        let mut key = attribute(xml, "p:encryptedKey", "encryptedKeyValue");
        cbc_decrypt(&password_key(&spun, &KEY_VALUE_BLOCK), &password_salt, &mut key);

        let salt: [u8; SALT] = attribute(xml, "keyData", "saltValue").try_into().unwrap();
        let mut hmac_key = attribute(xml, "dataIntegrity", "encryptedHmacKey");
        cbc_decrypt(&key, &salted_iv(&salt, &HMAC_KEY_BLOCK), &mut hmac_key);
        let mut hmac_value = attribute(xml, "dataIntegrity", "encryptedHmacValue");
        cbc_decrypt(&key, &salted_iv(&salt, &HMAC_VALUE_BLOCK), &mut hmac_value);
        let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(&hmac_key).unwrap();
        mac.update(&package);
        if mac.verify_slice(&hmac_value).is_err() {
            return Err(Refused::Integrity);
        }

        let size = u64::from_le_bytes(package[..8].try_into().unwrap()) as usize;
        let mut plain = Vec::with_capacity(package.len());
        for (index, segment) in package[8..].chunks(SEGMENT).enumerate() {
            let mut segment = segment.to_vec();
            cbc_decrypt(&key, &salted_iv(&salt, &(index as u32).to_le_bytes()), &mut segment);
            plain.extend_from_slice(&segment);
        }
        plain.truncate(size);
        Ok(plain)
    }
}

#[cfg(test)]
mod tests {
    use super::reading::{Refused, decrypt};
    use super::*;
    use crate::random::tests::Counter;

    /// Flips one bit of the `EncryptedPackage` stream's byte `at`, through the container.
    fn flip_package_byte(file: Vec<u8>, at: u64) -> Vec<u8> {
        use std::io::{Read, Seek, SeekFrom};
        let mut cfb = cfb::CompoundFile::open(Cursor::new(file)).unwrap();
        let mut stream = cfb.open_stream("EncryptedPackage").unwrap();
        let mut byte = [0u8];
        stream.seek(SeekFrom::Start(at)).unwrap();
        stream.read_exact(&mut byte).unwrap();
        stream.seek(SeekFrom::Start(at)).unwrap();
        stream.write_all(&[byte[0] ^ 1]).unwrap();
        drop(stream);
        cfb.flush().unwrap();
        cfb.into_inner().into_inner()
    }

    fn package(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn round_trips_packages_of_awkward_sizes() {
        for len in [0, 1, 15, 16, 4095, 4096, 4097, 3 * 4096 + 5] {
            let plain = package(len);
            let file = encrypt(&plain, "パスワード", &mut Counter::default()).unwrap();
            assert_eq!(decrypt(&file, "パスワード").unwrap(), plain, "{len} bytes");
        }
    }

    #[test]
    fn a_wrong_password_is_told_from_a_damaged_file() {
        let file = encrypt(&package(100), "right", &mut Counter::default()).unwrap();
        assert_eq!(decrypt(&file, "wrong"), Err(Refused::Password));
    }

    #[test]
    fn a_flipped_byte_in_the_package_fails_integrity() {
        let plain = package(10_000);
        let file = encrypt(&plain, "pw", &mut Counter::default()).unwrap();
        let file = flip_package_byte(file, 5000);
        assert_eq!(decrypt(&file, "pw"), Err(Refused::Integrity));
    }

    #[test]
    fn the_file_depends_only_on_its_inputs_not_on_a_clock() {
        let a = encrypt(&package(5000), "pw", &mut Counter::default()).unwrap();
        let b = encrypt(&package(5000), "pw", &mut Counter::default()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn descriptor_declares_aes256_sha512_and_100000_spins() {
        let file = encrypt(&package(10), "pw", &mut Counter::default()).unwrap();
        let text = String::from_utf8_lossy(&file);
        for needle in ["keyBits=\"256\"", "hashAlgorithm=\"SHA512\"", "spinCount=\"100000\"", "ChainingModeCBC"] {
            assert!(text.contains(needle), "{needle}");
        }
    }
}
