#!/usr/bin/env python3
"""Opens a file kizuna-files wrote with independent, widely used software, and prints
what a person would get, as JSON (files/tests/real_software.rs reads it).

  open_file.py xlsx FILE PASSWORD   msoffcrypto-tool (password check, then decryption
                                    with integrity verification), then openpyxl:
                                    {"sheets": {"name": [[header...], [row...], ...]}}
  open_file.py zip FILE PASSWORD    pyzipper, every entry AE-2 AES-256:
                                    {"entries": {"name": "text"}}

A refused file exits with code 3 and prints one line {"error": "password" | "integrity" |
...: "...", "detail": "..."}. Run with target/pyenv/bin/python (scripts/lib.sh ensure_pyenv).
"""
import datetime
import io
import json
import sys


def refuse(kind, detail):
    print(json.dumps({"error": kind, "detail": str(detail)}, ensure_ascii=False))
    sys.exit(3)


def value(cell):
    if isinstance(cell, (datetime.datetime, datetime.date, datetime.time)):
        return cell.isoformat()
    return cell


def open_xlsx(path, password):
    import msoffcrypto
    import openpyxl
    from msoffcrypto.exceptions import InvalidKeyError

    with open(path, "rb") as file:
        office = msoffcrypto.OfficeFile(file)
        if not office.is_encrypted():
            refuse("not encrypted", path)
        try:
            office.load_key(password=password, verify_password=True)
        except InvalidKeyError as error:
            refuse("password", error)
        package = io.BytesIO()
        try:
            office.decrypt(package, verify_integrity=True)
        except InvalidKeyError as error:
            refuse("integrity", error)
    package.seek(0)
    book = openpyxl.load_workbook(package, read_only=True, data_only=False)
    sheets = {}
    for sheet in book.worksheets:
        sheets[sheet.title] = [[value(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    return {"sheets": sheets}


def open_zip(path, password):
    import zlib

    import pyzipper

    entries = {}
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(password.encode("utf-8"))
        for info in archive.infolist():
            # WinZip AE-2 with AES-256 (strength 3); never ZipCrypto.
            if not info.flag_bits & 1 or getattr(info, "wz_aes_version", None) != 2 \
                    or getattr(info, "wz_aes_strength", None) != 3:
                refuse("not AES-256 (AE-2)", info.filename)
            try:
                data = archive.read(info.filename)
            except RuntimeError as error:
                refuse("password", error)
            except (pyzipper.BadZipFile, zlib.error) as error:
                # pyzipper inflates as it reads and checks the HMAC at the end, so damaged
                # data may fail in zlib first; either way the data is not what was written.
                refuse("integrity", error)
            entries[info.filename] = data.decode("utf-8")
    return {"entries": entries}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("xlsx", "zip"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    kind, path, password = sys.argv[1:]
    result = open_xlsx(path, password) if kind == "xlsx" else open_zip(path, password)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
