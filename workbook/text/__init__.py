"""Chinese text as nianbao compares, folds and measures it (:mod:`nianbao.text.cjk`)."""
