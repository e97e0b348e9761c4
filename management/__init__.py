"""The documents a property office hands to its owners (deck section 十二): the periodic
management report (`huashu report`, 管理报告) and the satisfaction survey with its
four-quadrant chart (`huashu survey`, 四分图). Built on the audit's reading of the chats and on
the engine's reading of residents' words; the engine never imports this package."""
