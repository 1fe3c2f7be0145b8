"""Plan assistant: cited answers about the policy documents of a corpus folder (政策文件问答助手)."""

__version__ = "0.1.0"
