"""Sources are stored encrypted (Fernet), with a key from the settings."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from skyulf_errors import DataLoss
from skyulf_ingestion.sources.models import Source, SourceRecord


class SourceCipher:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def encrypt(self, source: Source) -> str:
        return self._fernet.encrypt(SourceRecord(source).model_dump_json().encode()).decode()

    def decrypt(self, token: str) -> Source:
        try:
            plain = self._fernet.decrypt(token.encode())
        except InvalidToken as e:
            # The key changed since the source was stored: nothing here can recover it.
            raise DataLoss("a dataset's source cannot be decrypted with the configured key") from e
        return SourceRecord.model_validate_json(plain).root
