"""Learning-plan widgets: the service client and retry queue (:mod:`.client`), the words in
Albanian and English (:mod:`.i18n`) and the ipywidgets views (:mod:`.widgets`)."""
